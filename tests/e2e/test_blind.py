"""A blind first pass in a real Chromium: the owner turns it on, two annotators tag the same
op-ed without seeing each other's work (page, map, API) until each marks it done, and the owner
follows both on the project page."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from annotator.models import Project
from tests.e2e.pages import open_document, screenshot, select_phrase, sign_in

pytestmark = pytest.mark.e2e

PHRASES = {
    "ana": "This agreement is unprecedented for both bilateral relations",
    "ben": "unprecedented for both bilateral relations and for India",
}
#: Words of each phrase that the other's lacks: what the map would show of it.
OWN_WORDS = {"ana": "This agreement", "ben": "and for India"}


def _annotator(browser: Browser, live_server, name: str, password: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, name, password)
    return page


def _tags_in_api(page: Page, document_id: int) -> set[str]:
    answer = page.request.get(f"/api/tags/?document={document_id}").json()
    return {tag["author"] for tag in answer["results"]}


def test_two_annotators_work_blind_until_each_marks_the_document_done(
    page: Page, seed, member_of, browser, live_server
):
    sign_in(page, "demo", "demo")
    page.goto(f"/projects/{seed.project.pk}/settings/")
    blind = page.get_by_label("Blind first pass")
    blind.focus()
    page.keyboard.press("Space")
    expect(blind).to_be_checked()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".message")).to_have_text("Settings saved.")
    assert Project.objects.get(pk=seed.project.pk).blind

    people = {
        name: _annotator(browser, live_server, *member_of("annotator", name)) for name in PHRASES
    }
    try:
        for name, them in people.items():
            open_document(them, seed.pk)
            expect(them.locator("#blind-notice")).to_be_visible()
            select_phrase(them, 0, PHRASES[name])
            expect(them.locator("#toolbar")).to_be_visible()
            them.keyboard.press("c")
            expect(them.locator("#tag-list li")).to_have_count(1)

        for name, them in people.items():
            other = next(n for n in PHRASES if n != name)
            them.reload()
            them.wait_for_selector("body[data-ready=true]")
            expect(them.locator("#tag-list li")).to_have_count(1)
            assert _tags_in_api(them, seed.pk) == {name}
            them.goto(f"/documents/{seed.pk}/map/")
            expect(them.locator("svg.argmap")).to_contain_text(OWN_WORDS[name])
            expect(them.locator("svg.argmap")).not_to_contain_text(OWN_WORDS[other])

        ana = people["ana"]
        open_document(ana, seed.pk)
        ana.get_by_role("button", name="Mark done").click()
        expect(ana.locator(".message")).to_have_text(re.compile("Everyone's tags are shown now"))
        ana.wait_for_selector("body[data-ready=true]")
        expect(ana.locator("#tag-list li")).to_have_count(2)
        assert _tags_in_api(ana, seed.pk) == {"ana", "ben"}
        # Ben is still blind.
        assert _tags_in_api(people["ben"], seed.pk) == {"ben"}

        page.goto(f"/projects/{seed.project.pk}/")
        row = page.locator(f'tr[data-document="{seed.pk}"]')
        expect(row.locator('li[data-author="ana"]')).to_have_attribute("data-state", "done")
        expect(row.locator('li[data-author="ben"]')).to_have_attribute("data-state", "in_progress")
        expect(row.locator('li[data-author="ben"]')).to_contain_text("ben: 1 tag, in progress")
        open_document(page, seed.pk)
        expect(page.locator("#tag-list li")).to_have_count(2)
        expect(page.locator("#blind-notice")).to_have_count(0)
        screenshot(page, "blind-owner-sees-all")

        ben = people["ben"]
        ben.set_viewport_size({"width": 360, "height": 740})
        open_document(ben, seed.pk)
        assert ben.evaluate("document.documentElement.scrollWidth") <= 360
        done = ben.get_by_role("button", name="Mark done")
        done.focus()
        ben.keyboard.press("Enter")
        ben.wait_for_selector("body[data-ready=true]")
        expect(ben.locator("#tag-list li")).to_have_count(2)
        expect(ben.get_by_role("button", name="Reopen")).to_be_visible()
        screenshot(ben, "blind-done-phone")
    finally:
        for them in people.values():
            them.context.close()
