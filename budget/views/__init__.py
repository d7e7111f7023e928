"""Views of the wijkbudget: public pages and the ballot (public.py), staff pages (staff.py)."""
