"""The export page in the browser: on a phone, by keyboard, the files it downloads."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.map_seed import PASSAGES, tag_phrase
from tests.e2e.pages import open_document, screenshot, sign_in

pytestmark = pytest.mark.e2e


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until the focus is on ``selector``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def download_by(page: Page, key: str) -> tuple[str, dict]:
    """Press ``key`` on the focused Download button; return the file's name and its JSON."""
    with page.expect_download() as info:
        page.keyboard.press(key)
    download = info.value
    assert download.failure() is None
    return download.suggested_filename, json.loads(Path(download.path()).read_text("utf-8"))


def test_an_owner_exports_the_whole_project_by_keyboard_on_a_phone(page: Page, seed):
    demo = get_user_model().objects.get(username="demo")
    phrases = [phrase for _, _, phrase, _ in PASSAGES[:3]]
    for _, position, phrase, kind in PASSAGES[:3]:
        tag_phrase(demo, seed, position, phrase, kind)
    sign_in(page, "demo", "demo")
    page.set_viewport_size({"width": 360, "height": 740})

    # The document page's Export link opens the page with that document chosen.
    open_document(page, seed.pk)
    page.get_by_role("link", name="Export", exact=True).click()
    page.wait_for_url(f"**/projects/{seed.project_id}/export/?document={seed.pk}")
    expect(page.get_by_role("radio", name="One document")).to_be_checked()
    expect(page.get_by_label("Document", exact=True)).to_have_value(str(seed.pk))
    # A plain form: nothing on the page needs script, and nothing is wider than the phone.
    assert page.locator("script").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "export-phone")

    # Tab into the first choice and pick the whole project with the arrow key.
    tab_to(page, "#id_scope_0")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="The whole project")).to_be_checked()
    expect(page.get_by_role("radio", name="The whole project")).to_be_focused()
    # The next Tab stop is the format group, on the chosen format (json).
    page.keyboard.press("Tab")
    expect(page.locator("#format-json")).to_be_focused()
    expect(page.locator("#format-json")).to_be_checked()
    tab_to(page, "button[type=submit]")
    expect(page.get_by_role("button", name="Download")).to_be_focused()

    today = timezone.localdate().isoformat()
    name, data = download_by(page, "Enter")
    assert name == f"demo-{today}.json"
    assert data["format"] == "claim-annotator-project"
    [document] = data["documents"]
    assert sorted(t["quote"] for t in document["tags"]) == sorted(phrases)

    # Back to the formats, one down to w3c, and Space on Download this time.
    tab_to(page, "input[name=format]", backwards=True)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#format-w3c")).to_be_checked()
    tab_to(page, "button[type=submit]")
    name, data = download_by(page, "Space")
    assert name == f"demo-{today}.jsonld"
    assert data["type"] == "AnnotationCollection"
    assert data["total"] == 3
    # Each annotation's first selector is its paragraph refined by the quote.
    exact = [item["target"]["selector"][0]["refinedBy"]["exact"] for item in data["first"]["items"]]
    assert sorted(exact) == sorted(phrases)
    # The page stayed put and still fits the phone.
    expect(page.locator("h1")).to_have_text("Export")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
