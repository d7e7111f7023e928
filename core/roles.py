"""Names of the site-wide roles (Groups created by a data migration)."""

COUNCIL_STAFF = "Gemeentemedewerkers"
