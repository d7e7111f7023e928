"""Fixtures of the query-count tests: the cms ones (home page, a wijk page) are reused."""

from tests.cms.conftest import home, wijk_page  # noqa: F401 - fixtures, used by name
