"""Names of the site-wide roles (Groups created by data migrations).

"Gemeentemedewerkers" is the base every council staff member has: it opens /beheer/ (with the
second factor) and nothing more. The rights to act come from the scoped roles, each a group
plus rows that say where it holds (see core/rules.py and docs/glossary.md):

- WIJK_COORDINATORS with core.WijkCoordinator rows: initiatives, reviews, resident
  verification, letter codes and wijkpanel seats of their own wijken;
- SUBSIDY_OFFICERS with subsidies.SchemeOfficer rows: the applications of their schemes;
- BUDGET_OFFICERS with budget.BudgetOfficer rows: the wijkbudget rounds of their wijken,
  paper ballots and results;
- FUNCTIONAL_ADMINS: accounts and roles (who has which role where), never content.
"""

COUNCIL_STAFF = "Gemeentemedewerkers"
WIJK_COORDINATORS = "Wijkcoördinatoren"
SUBSIDY_OFFICERS = "Subsidiebehandelaars"
BUDGET_OFFICERS = "Budgetbeheerders"
# The CMS's editorial roles (cms/migrations/0005) and who assigns them (cms/migrations/0007).
EDITORS = "Redacteuren"
APPROVERS = "Redactie-goedkeurders"
FUNCTIONAL_ADMINS = "Functioneel beheer"

# The council roles scoped to wijken or schemes, as the functional administrator assigns them.
SCOPED_ROLES = (WIJK_COORDINATORS, SUBSIDY_OFFICERS, BUDGET_OFFICERS)
