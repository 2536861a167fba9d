"""Hostile markup in Chromium: every page that shows user-written text runs none of it.

The payloads of tests/claims/api/test_xss.py fill every field a user writes (project name and
description, document title, byline, caption and source URL, paragraphs, implicit statements,
tag and link notes, link groups, review and decision comments). The test opens the home page,
the document page with each tag's details card (which puts the note and the review comments
in as HTML), the review page with each tag's card and discussion, the agreement page, the
map and the project's import page, and asserts after each step: no dialog opened,
``window.__xss`` is unset, no element carries a payload's ``xss`` id, no element has an
event-handler attribute, no link or frame points at a script URL. A Content-Security-Policy
violation fails the test too (conftest).
"""

import pytest
from playwright.sync_api import Page

from tests.claims.api.test_xss import PAYLOADS, hostile_document
from tests.e2e.conftest import PASSWORD
from tests.e2e.pages import open_document, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

#: What a payload could have left in the page, read from the live DOM.
INJECTED = """() => {
    const all = [...document.querySelectorAll("*")];
    const scriptUrl = /^\\s*(javascript|vbscript|data\\s*:\\s*text\\/html)/i;
    return {
        xss: typeof window.__xss === "undefined" ? null : String(window.__xss),
        marked: all.filter((e) => /xss/i.test(e.id)).map((e) => e.outerHTML.slice(0, 120)),
        handlers: all.flatMap((e) => [...e.attributes]
            .filter((a) => a.name.toLowerCase().startsWith("on"))
            .map((a) => `<${e.tagName} ${a.name}>`)),
        urls: all.flatMap((e) => ["href", "src", "action", "formaction", "data", "xlink:href"]
            .map((name) => e.getAttribute(name))
            .filter((value) => value && scriptUrl.test(value))),
        frames: document.querySelectorAll("iframe, object, embed, base").length,
    };
}"""

CLEAN = {"xss": None, "marked": [], "handlers": [], "urls": [], "frames": 0}


def assert_clean(page: Page, dialogs: list[str], where: str) -> None:
    assert page.evaluate(INJECTED) == CLEAN, where
    assert dialogs == [], where


def test_no_page_runs_a_payload(page: Page, transactional_db):
    owner = UserFactory(username="xss-owner")
    annotator = UserFactory(username="xss-annotator")
    document = hostile_document(owner=owner, annotator=annotator)
    assert len(PAYLOADS) >= 30
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    sign_in(page, owner.username, PASSWORD)
    assert_clean(page, dialogs, "home")

    open_document(page, document.pk)
    assert_clean(page, dialogs, "document")
    buttons = page.locator("#tag-list button[data-tag]")
    tag_ids = [buttons.nth(i).get_attribute("data-tag") for i in range(buttons.count())]
    assert len(tag_ids) == document.tags.count()
    for tag_id in tag_ids:
        page.click(f'#tag-list button[data-tag="{tag_id}"]')
        card = page.locator(f'#details-body .tag-card[data-tag="{tag_id}"]')
        # The reviews come from the API after the card opens; wait until they are in.
        card.locator(".card-reviews .review-list, .card-reviews p.muted").first.wait_for()
        page.wait_for_function(
            """(id) => !document.querySelector(`.tag-card[data-tag="${id}"] .card-reviews`)
                .textContent.includes("Loading")""",
            arg=tag_id,
        )
        assert card.locator(".card-reviews .review-comment").count() == 1
        assert_clean(page, dialogs, f"details of tag {tag_id}")
        page.click("#details-close")

    page.goto(f"/documents/{document.pk}/review/")
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#queue-filter", "all")
    queue = page.locator("#queue-list button[data-tag]")
    assert queue.count() == len(tag_ids)
    for i in range(queue.count()):
        tag_id = queue.nth(i).get_attribute("data-tag")
        # Emptied first, so the wait below is for this tag's discussion, not the last one's.
        page.evaluate("() => document.getElementById('discussion').replaceChildren()")
        queue.nth(i).click()
        page.wait_for_selector(f'#card[data-tag="{tag_id}"]')
        page.wait_for_selector("#discussion li .discussion-comment")
        assert_clean(page, dialogs, f"review card of tag {tag_id}")

    for url in [
        f"/documents/{document.pk}/agreement/",
        f"/documents/{document.pk}/map/",
        f"/projects/{document.project_id}/import/",
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert_clean(page, dialogs, url)
