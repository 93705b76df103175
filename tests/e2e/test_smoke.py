import pytest

from mpp.catalog import demo as catalog_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_the_batam_mpp_in_indonesian(page, audit):
    catalog_demo.load()
    page.goto("/")
    audit(page)
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", name="Mal Pelayanan Publik Kota Batam").is_visible()
    page.screenshot(path="var/screenshots/home-360.png", full_page=True)
