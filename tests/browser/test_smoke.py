"""The live site answers in a real browser, with its styles, and screenshots are written."""

import pytest

from tests.browser.support import shot

pytestmark = pytest.mark.browser


def test_home_page_loads_with_styles(page, live_site):
    response = page.goto("/")

    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("link", name="Initiatieven").first.is_visible()
    # The stylesheets came through WhiteNoise: the header is laid out, not plain text.
    styled = page.evaluate(
        "() => [...document.styleSheets].filter(s => s.cssRules.length > 0).length"
    )
    assert styled >= 3
    path = shot(page, "home")
    assert path.exists() and path.stat().st_size > 0
