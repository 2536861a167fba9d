"""A team runs a project from nothing, all in the pages: the owner creates it, imports the seed
op-ed and a map in one go, invites an annotator who signs up through the link on a phone, turns
on the blind first pass; two annotators tag without seeing each other until each is done; the
owner follows their progress and exports the project as json and w3c."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from annotator.models import Document, Membership, Project, Role
from tests.e2e.pages import open_document, screenshot, select_phrase, sign_in
from tests.e2e.test_import_page import SEED_NAME, aif_map, entry
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough pass 93"
PHRASES = {
    "nadia": "This agreement is unprecedented for both bilateral relations",
    "omar": "China and India launched their first joint training program",
}


def _new_context_page(browser: Browser, live_server, width: int = 1280) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 800}, base_url=live_server.url
    )
    return context.new_page()


def _fits(page: Page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px"


def _authors_in_api(page: Page, document_id: int) -> set[str]:
    answer = page.request.get(f"/api/tags/?document={document_id}").json()
    return {tag["author"] for tag in answer["results"]}


def test_a_team_runs_a_project_in_the_pages(
    page: Page, seed, shared_dir, tmp_path, browser, live_server
):
    sign_in(page, "demo", "demo")
    form = page.locator("section.new-project")
    form.get_by_label("Name").fill("Security op-eds")
    form.get_by_role("button", name="Create project").click()
    project = Project.objects.get(name="Security op-eds")
    page.wait_for_url(f"**/projects/{project.pk}/")

    # Import the op-ed and a map over it in one go.
    page.get_by_role("link", name="Import documents").click()
    page.get_by_label("Files (one or several)").set_input_files(
        [shared_dir / "seed" / SEED_NAME, aif_map(tmp_path / "oped-map.json")]
    )
    page.get_by_role("button", name="Import 2 files").click()
    expect(entry(page, SEED_NAME)).to_have_attribute("data-state", "done")
    expect(entry(page, "oped-map.json")).to_have_attribute("data-state", "done")
    article = Document.objects.get(project=project, title="oped-china-india-internal-security")
    assert Document.objects.filter(project=project).count() == 2

    # An annotator link; a newcomer opens it signed out on a phone and signs up.
    page.goto(f"/projects/{project.pk}/members/")
    page.locator("#invite-role").select_option("annotator")
    page.get_by_role("button", name="Make an invitation link").click()
    link = page.get_by_label("The new link (shown only now: copy it)").input_value()
    nadia = _new_context_page(browser, live_server, width=360)
    omar = _new_context_page(browser, live_server)
    try:
        nadia.goto(link)
        _fits(nadia, 360)
        nadia.get_by_label("Username").fill("nadia")
        nadia.get_by_label("Password", exact=True).fill(PASSWORD)
        nadia.get_by_label("Password confirmation").fill(PASSWORD)
        nadia.get_by_role("button", name="Create an account and join").click()
        nadia.wait_for_url(f"{live_server.url}/projects/{project.pk}/")
        assert Membership.objects.get(project=project, user__username="nadia").role == "annotator"
        # A second annotator, added by the owner the plain way.
        omar_user = UserFactory(username="omar")
        omar_user.set_password(PASSWORD)
        omar_user.save()
        MembershipFactory(project=project, role=Role.ANNOTATOR, user=omar_user)
        sign_in(omar, "omar", PASSWORD)

        # The owner turns the blind first pass on, by keyboard.
        page.goto(f"/projects/{project.pk}/settings/")
        page.get_by_label("Blind first pass").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator(".message")).to_have_text("Settings saved.")

        for name, them in (("nadia", nadia), ("omar", omar)):
            open_document(them, article.pk)
            expect(them.locator("#blind-notice")).to_be_visible()
            where = article.paragraphs.get(text__contains=PHRASES[name]).position
            select_phrase(them, where, PHRASES[name])
            expect(them.locator("#toolbar")).to_be_visible()
            them.keyboard.press("c")
            expect(them.locator("#tag-list li")).to_have_count(1)
        _fits(nadia, 360)
        for name, them in (("nadia", nadia), ("omar", omar)):
            them.reload()
            them.wait_for_selector("body[data-ready=true]")
            expect(them.locator("#tag-list li")).to_have_count(1)
            assert _authors_in_api(them, article.pk) == {name}
            them.goto(f"/documents/{article.pk}/map/")
            other = "omar" if name == "nadia" else "nadia"
            expect(them.locator("svg.argmap")).not_to_contain_text(PHRASES[other][:30])

        for them in (nadia, omar):
            open_document(them, article.pk)
            them.get_by_role("button", name="Mark done").click()
            them.wait_for_selector("body[data-ready=true]")
            expect(them.locator("#tag-list li")).to_have_count(2)
        assert _authors_in_api(nadia, article.pk) == {"nadia", "omar"}

        page.goto(f"/projects/{project.pk}/")
        row = page.locator(f'tr[data-document="{article.pk}"]')
        for name in PHRASES:
            expect(row.locator(f'li[data-author="{name}"]')).to_have_attribute("data-state", "done")
        screenshot(page, "team-project-progress")

        # The owner exports the whole project as json and as w3c; both parse.
        page.get_by_role("link", name="Export", exact=True).first.click()
        page.get_by_role("radio", name="The whole project").check()
        for fmt, check in (
            ("json", lambda data: len(data["documents"]) == 2),
            ("w3c", lambda data: data["type"] == "AnnotationCollection" and data["total"] == 4),
        ):
            page.locator(f"#format-{fmt}").check()
            with page.expect_download() as info:
                page.get_by_role("button", name="Download").click()
            data = json.loads(Path(info.value.path()).read_text("utf-8"))
            assert check(data), (fmt, str(data)[:300])
    finally:
        nadia.context.close()
        omar.context.close()
