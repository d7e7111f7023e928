"""Names of the site-wide roles (Groups created by a data migration)."""

COUNCIL_STAFF = "Gemeentemedewerkers"
# The CMS's editorial roles (cms/migrations/0005) and who assigns them (cms/migrations/0007).
EDITORS = "Redacteuren"
APPROVERS = "Redactie-goedkeurders"
FUNCTIONAL_ADMINS = "Functioneel beheer"
