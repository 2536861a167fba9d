"""The import page in the browser: several files in one go, each with its progress and result,
a duplicate imported after the owner confirms, and a phone-width window."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from annotator.models import Document
from claims.models import Link, Tag
from tests.e2e.pages import screenshot, sign_in

pytestmark = pytest.mark.e2e

SEED_NAME = "oped-china-india-internal-security.txt"
CLAIM = (
    "This agreement is unprecedented for both bilateral relations and for India which, so far, "
    "has no such agreement with any other nation."
)
PREMISE = (
    "China and India launched their first joint training program for 10 Afghan diplomats at "
    "the New Delhi Foreign Service Institute."
)

# Every state line each file's entry shows, in order, as the page changes it.
RECORD_STATES = """() => {
    window.importStates = {};
    const list = document.getElementById("import-results");
    const seen = () => {
        for (const entry of list.querySelectorAll(".import-entry")) {
            const states = (window.importStates[entry.dataset.file] ??= []);
            const now = entry.querySelector(".import-state").textContent;
            if (states.at(-1) !== now) states.push(now);
        }
    };
    new MutationObserver(seen).observe(list, {childList: true, subtree: true, characterData: true});
}"""


def aif_map(path: Path) -> Path:
    """An AIF map over the seed op-ed: one premise supporting one claim."""
    data = {
        "nodes": [
            {"nodeID": "10", "type": "I", "text": CLAIM, "timestamp": ""},
            {"nodeID": "11", "type": "I", "text": PREMISE, "timestamp": ""},
            {"nodeID": "20", "type": "RA", "text": "Default Inference", "timestamp": ""},
        ],
        "edges": [
            {"edgeID": "1", "fromID": "11", "toID": "20"},
            {"edgeID": "2", "fromID": "20", "toID": "10"},
        ],
        "locutions": [],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def entry(page: Page, name: str):
    return page.locator(f'li.import-entry[data-file="{name}"]')


def test_an_owner_imports_an_article_and_a_map_then_a_duplicate(
    page: Page, seed, shared_dir, tmp_path
):
    oped = shared_dir / "seed" / SEED_NAME
    aif = aif_map(tmp_path / "oped-map.json")
    sign_in(page, "demo", "demo")
    page.goto(f"/projects/{seed.project.pk}/")
    page.get_by_role("link", name="Import documents").click()
    page.wait_for_url(f"**/projects/{seed.project.pk}/import/")

    page.get_by_label("Files (one or several)").set_input_files([oped, aif])
    article = page.locator(f'fieldset.import-item[data-file="{SEED_NAME}"]')
    mapped = page.locator('fieldset.import-item[data-file="oped-map.json"]')
    expect(article.get_by_label("Title")).to_have_value("oped-china-india-internal-security")
    expect(article.get_by_label("Format")).to_have_value("text")
    expect(article.get_by_label("Source text")).to_be_hidden()
    expect(mapped.get_by_label("Format")).to_have_value("aif")
    expect(mapped.get_by_label("Title")).to_have_value("oped-map")
    # The map's source text is the one .txt chosen with it.
    expect(mapped.get_by_label("Source text").locator("option:checked")).to_have_text(SEED_NAME)
    screenshot(page, "import-chosen")

    page.evaluate(RECORD_STATES)
    page.get_by_role("button", name="Import 2 files").click()
    expect(entry(page, SEED_NAME)).to_have_attribute("data-state", "done")
    expect(entry(page, "oped-map.json")).to_have_attribute("data-state", "done")
    states = page.evaluate("window.importStates")
    for name in (SEED_NAME, "oped-map.json"):
        # A line per file that went from waiting, through uploading, to done.
        assert states[name][0] == "waiting", states
        assert any(s.startswith("uploading…") for s in states[name]), states
        assert states[name][-1] == "done", states
        expect(entry(page, name).locator("progress")).to_have_attribute("max", "100")

    article_doc = Document.objects.get(title="oped-china-india-internal-security")
    map_doc = Document.objects.get(title="oped-map")
    assert article_doc.paragraphs.count() == 18
    assert Tag.objects.filter(document=map_doc).count() == 2
    assert Link.objects.filter(source__document=map_doc).count() == 1
    first_link = entry(page, SEED_NAME).get_by_role("link")
    expect(first_link).to_have_attribute("href", f"/documents/{article_doc.pk}/")
    expect(entry(page, SEED_NAME).locator(".import-outcome")).to_have_text(
        f"Open “oped-china-india-internal-security” (document {article_doc.pk}): 18 paragraphs, "
        "0 tags (0 implicit), 0 links."
    )
    expect(entry(page, "oped-map.json").get_by_role("link")).to_have_attribute(
        "href", f"/documents/{map_doc.pk}/"
    )
    expect(entry(page, "oped-map.json")).to_contain_text("2 tags (0 implicit), 1 links.")
    expect(page.locator("#import-announce")).to_have_text("Finished: 2 imported.")
    screenshot(page, "import-results")

    # The same text again: the page asks, and imports it once the owner confirms.
    page.get_by_label("Files (one or several)").set_input_files(oped)
    page.get_by_role("button", name="Import", exact=True).click()
    again = entry(page, SEED_NAME)
    expect(again).to_have_attribute("data-state", "duplicate")
    expect(again).to_contain_text(
        "A document with this title and text is already in this project "
        f"(document {article_doc.pk})."
    )
    assert Document.objects.filter(title="oped-china-india-internal-security").count() == 1
    expect(page.locator("#import-announce")).to_contain_text("Import it anyway?")
    screenshot(page, "import-duplicate")
    again.get_by_role("button", name="Import anyway").click()
    expect(again).to_have_attribute("data-state", "done")
    copies = Document.objects.filter(title="oped-china-india-internal-security").order_by("pk")
    assert copies.count() == 2
    expect(again.get_by_role("link")).to_have_attribute("href", f"/documents/{copies[1].pk}/")

    page.get_by_role("link", name=re.compile("^Open")).click()
    page.wait_for_url(f"**/documents/{copies[1].pk}/")


def test_the_import_page_fits_a_phone(page: Page, seed, shared_dir, tmp_path):
    sign_in(page, "demo", "demo")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/projects/{seed.project.pk}/import/")
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= 360
    long_name = tmp_path / ("a-very-long-file-name-without-any-break-" * 3 + ".ann")
    long_name.write_text("not an annotation\n", encoding="utf-8")
    page.get_by_label("Files (one or several)").set_input_files(
        [shared_dir / "seed" / SEED_NAME, aif_map(tmp_path / "map.json"), long_name]
    )
    expect(page.locator("fieldset.import-item")).to_have_count(3)
    assert page.evaluate(width) <= 360
    page.get_by_role("button", name="Import 3 files").click()
    expect(page.locator('li.import-entry[data-state="failed"]')).to_have_count(1)
    expect(page.locator('li.import-entry[data-state="done"]')).to_have_count(2)
    assert page.evaluate(width) <= 360
    screenshot(page, "import-narrow")
