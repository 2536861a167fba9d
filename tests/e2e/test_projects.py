"""Running a project in the browser: create it, add a member, set the review rules."""

import re

import pytest
from playwright.sync_api import Page, expect

from annotator.models import Membership, Project, Role
from tests.e2e.pages import screenshot, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_an_owner_creates_a_project_adds_a_member_and_sets_the_review_rules(page: Page, seed):
    UserFactory(username="rosa")
    sign_in(page, "demo", "demo")

    form = page.locator("section.new-project")
    form.get_by_label("Name").fill("Trade op-eds")
    form.get_by_label("Description").fill("Who argues what about tariffs")
    form.get_by_role("button", name="Create project").click()
    project = Project.objects.get(slug="trade-op-eds")
    page.wait_for_url(f"**/projects/{project.pk}/")
    expect(page.locator("h1")).to_contain_text("Trade op-eds")
    expect(page.locator(".message")).to_have_text(re.compile("you are its owner"))

    page.get_by_role("link", name="Members").click()
    page.get_by_label("Username").fill("rosa")
    page.locator("#add-role").select_option("curator")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator(".message")).to_have_text("rosa is now a member (curator).")
    expect(page.locator('tr[data-member="rosa"]')).to_contain_text("Curator")
    assert Membership.objects.get(project=project, user__username="rosa").role == Role.CURATOR

    page.get_by_role("link", name="Trade op-eds").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Accept after agrees").fill("3")
    page.get_by_label("Reject after disagrees").fill("4")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".message")).to_have_text("Settings saved.")
    project.refresh_from_db()
    assert (project.accept_after_agrees, project.reject_after_disagrees) == (3, 4)


def test_the_project_page_fits_a_narrow_phone(page: Page, seed):
    sign_in(page, "demo", "demo")
    page.set_viewport_size({"width": 390, "height": 800})
    for url in [
        f"/projects/{seed.project.pk}/",
        f"/projects/{seed.project.pk}/members/",
        f"/projects/{seed.project.pk}/settings/",
        "/",
    ]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide at 390px"
    page.goto(f"/projects/{seed.project.pk}/")
    expect(page.locator(f'tr[data-document="{seed.pk}"]')).to_be_visible()
    screenshot(page, "project-narrow")


def test_an_invitation_link_brings_a_newcomer_in_on_a_phone(page: Page, seed, browser, live_server):
    """The owner makes an annotator link; someone signed out opens it at 360 px, makes an
    account and lands in the project as an annotator."""
    sign_in(page, "demo", "demo")
    page.goto(f"/projects/{seed.project.pk}/members/")
    page.locator("#invite-role").select_option("annotator")
    page.get_by_label("Uses").fill("3")
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.get_by_label("The new link (shown only now: copy it)").input_value()
    assert "/join/" in link

    phone = browser.new_context(viewport={"width": 360, "height": 740})
    newcomer = phone.new_page()
    try:
        newcomer.goto(link)
        expect(newcomer.locator("h1")).to_have_text(f"Join {seed.project.name}")
        assert newcomer.evaluate("document.documentElement.scrollWidth") <= 360
        newcomer.get_by_label("Username").fill("nadia")
        newcomer.get_by_label("Password", exact=True).fill("a long enough pass 93")
        newcomer.get_by_label("Password confirmation").fill("a long enough pass 93")
        newcomer.get_by_role("button", name="Create an account and join").click()
        newcomer.wait_for_url(f"{live_server.url}/projects/{seed.project.pk}/")
        expect(newcomer.locator(".message")).to_have_text(
            f"You joined {seed.project.name} as annotator."
        )
        expect(newcomer.locator('li[data-member="nadia"]')).to_contain_text("Annotator")
        screenshot(newcomer, "joined-by-invitation-phone")
    finally:
        phone.close()
    member = Membership.objects.get(project=seed.project, user__username="nadia")
    assert member.role == Role.ANNOTATOR
    page.reload()
    expect(page.locator('tr[data-member="nadia"]')).to_contain_text("Annotator")
    expect(page.locator("table.invitations tbody tr").first).to_contain_text("2")
