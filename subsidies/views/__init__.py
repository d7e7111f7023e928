"""Pages of subsidies: public schemes, the applicants' pages and the staff pages."""
