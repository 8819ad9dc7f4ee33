"""What a street-office user does first: log in, read the overview, switch language, list estates."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from jiugai.accounts.choices import Role

# live_server needs data committed where the server thread can see it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_streets(tree, make_user, make_estate) -> dict[str, Any]:
    east = [
        make_estate("东风小区", tree.community_a, tree.street_a),
        make_estate("朝阳里", tree.community_a, tree.street_a),
    ]
    west = [make_estate("西湖花园", tree.community_b, tree.street_b)]
    return {
        "east_user": make_user("east", Role.STREET_OFFICE, tree.street_a, full_name="东街道办"),
        "office": make_user("lgo", Role.LEADING_GROUP_OFFICE, tree.city),
        "east": east,
        "west": west,
    }


def test_login_shows_scoped_counts(page, login, two_streets) -> None:
    login("east")
    expect(page).to_have_url("/")
    expect(page.get_by_test_id("count-estates")).to_have_text("2")
    expect(page.get_by_test_id("current-user")).to_contain_text("东街道办")
    page.context.clear_cookies()  # a fresh session for the next user
    login("lgo")
    expect(page.get_by_test_id("count-estates")).to_have_text("3")


def test_wrong_password_stays_on_login(page, login, two_streets) -> None:
    login("east", "not-the-password")
    expect(page).to_have_url("/accounts/login/")
    expect(page.get_by_test_id("login-submit")).to_be_visible()


def test_language_switch_round_trip(page, login, two_streets) -> None:
    login("east")
    nav = page.get_by_role("navigation")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav.get_by_role("link", name="概览")).to_be_visible()

    page.get_by_test_id("language-select").select_option("en")
    page.get_by_test_id("language-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(page.get_by_test_id("count-estates")).to_have_text("2")

    page.reload()  # the choice sticks (language cookie)
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()

    page.get_by_test_id("language-select").select_option("zh-hans")
    page.get_by_test_id("language-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav.get_by_role("link", name="概览")).to_be_visible()


def test_street_office_lists_only_its_own_estates(page, login, two_streets) -> None:
    login("east")
    response = page.goto("/estates/")
    assert response is not None and response.status == 200
    main = page.locator("main")
    for estate in two_streets["east"]:
        expect(main).to_contain_text(estate.name)
    for estate in two_streets["west"]:
        expect(main).not_to_contain_text(estate.name)


def test_estate_list_requires_login(page, two_streets) -> None:
    page.goto("/estates/")
    expect(page.get_by_test_id("login-submit")).to_be_visible()
