"""Annotating the seed op-ed in a real Chromium: select, tag, see, reload, filter, delete, undo."""

import re

import pytest
from playwright.sync_api import Page, expect

from annotator.services import document_create
from claims.models import Tag
from claims.services import tag_create
from tests.e2e.pages import open_document, screenshot, select_phrase, sign_in

pytestmark = pytest.mark.e2e

CLAIM = "This agreement is unprecedented for both bilateral relations"
EVIDENCE = "unprecedented for both bilateral relations and for India"


def live_tags():
    return list(Tag.objects.order_by("id"))


def test_tag_a_claim_with_a_note_and_see_it_after_reload(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    expect(page.locator("h1")).to_have_text(re.compile("China and India make a breakthrough"))

    select_phrase(page, 0, CLAIM)
    toolbar = page.locator("#toolbar")
    expect(toolbar).to_be_visible()
    page.fill("#toolbar-note", "The <em>central</em> claim")
    toolbar.get_by_role("button", name="Claim").click()

    mark = page.locator("#p-0 mark.hl.k-claim")
    expect(mark.first).to_be_visible()
    expect(page.locator("#tag-list li")).to_have_count(1)
    screenshot(page, "document-tagged")

    tags = live_tags()
    assert len(tags) == 1
    assert (tags[0].kind, tags[0].quote) == ("claim", CLAIM)
    assert tags[0].note == "The <em>central</em> claim"

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    marked = page.locator("#p-0 mark.hl.k-claim").all_text_contents()
    assert "".join(marked) == CLAIM
    expect(page.locator("[data-count=claim]")).to_have_text("1")


def test_overlapping_evidence_by_keyboard_shortcut_then_filter_by_kind(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    select_phrase(page, 0, CLAIM)
    page.locator("#toolbar").get_by_role("button", name="Claim").click()
    expect(page.locator("#tag-list li")).to_have_count(1)

    select_phrase(page, 0, EVIDENCE)
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("e")
    expect(page.locator("#tag-list li")).to_have_count(2)
    expect(page.locator("#p-0 mark.hl.overlap")).to_have_count(1)
    assert [(t.kind, t.quote) for t in live_tags()] == [("claim", CLAIM), ("evidence", EVIDENCE)]
    screenshot(page, "document-overlap")

    page.get_by_label("Claim", exact=True).uncheck()
    expect(page.locator("#tag-list li")).to_have_count(1)
    expect(page.locator("#tag-list li")).to_have_class(re.compile("k-evidence"))
    expect(page.locator("#p-0 mark.hl.k-claim")).to_have_count(0)
    expect(page.locator("#tag-summary")).to_have_text("Showing 1 of 2 tags")


def test_escape_cancels_and_a_cross_paragraph_selection_is_refused(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    select_phrase(page, 1, "Marking the immediate backdrop")
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#toolbar")).to_be_hidden()

    start = page.locator("#p-0 .para-text")
    end = page.locator("#p-1 .para-text")
    a, b = start.bounding_box(), end.bounding_box()
    page.mouse.move(a["x"] + 40, a["y"] + 5)
    page.mouse.down()
    page.mouse.move(b["x"] + 60, b["y"] + 5, steps=5)
    page.mouse.up()
    expect(page.locator(".toast-warning")).to_contain_text("within one paragraph")
    expect(page.locator("#toolbar")).to_be_hidden()
    assert live_tags() == []


def test_delete_then_undo_from_the_side_panel_with_the_keyboard(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    select_phrase(page, 2, "Wuhan spirit")
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("o")
    expect(page.locator("#tag-list li")).to_have_count(1)
    tag_id = live_tags()[0].pk

    entry = page.locator("#tag-list button").first
    entry.focus()
    page.keyboard.press("Enter")
    details = page.locator("#details")
    expect(details).to_be_visible()
    expect(details).to_contain_text("Wuhan spirit")
    details.get_by_role("button", name="Delete tag").click()
    expect(page.locator("#tag-list li")).to_have_count(0)
    assert Tag.objects.filter(pk=tag_id).count() == 0
    assert Tag.all_objects.get(pk=tag_id).deleted_at is not None

    page.locator(".toast").get_by_role("button", name="Undo").click()
    expect(page.locator("#tag-list li")).to_have_count(1)
    assert Tag.objects.get(pk=tag_id).quote == "Wuhan spirit"
    expect(page.locator("#p-2 mark.hl.k-opinion")).to_have_count(1)


def test_edit_kind_and_note_in_details(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    select_phrase(page, 3, "sharing intelligence")
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator("#p-3 mark.hl")).to_have_count(1)
    page.locator("#p-3 mark.hl").click()
    details = page.locator("#details")
    details.get_by_label("Kind").select_option("evidence")
    details.get_by_label("Note").fill("Backed by the text of the agreement")
    details.get_by_role("button", name="Save changes").click()
    expect(page.locator("#p-3 mark.hl.k-evidence")).to_have_count(1)
    tag = live_tags()[0]
    assert (tag.kind, tag.note) == ("evidence", "Backed by the text of the agreement")
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()


def test_viewer_sees_tags_but_no_editing_controls(page: Page, seed, member_of):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    select_phrase(page, 0, CLAIM)
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator("#tag-list li")).to_have_count(1)
    page.locator("form[action$='logout/'] button").click()

    username, password = member_of("viewer", "vera")
    sign_in(page, username, password)
    open_document(page, seed.pk)
    expect(page.locator(".notice")).to_contain_text("viewer")
    expect(page.locator("#p-0 mark.hl.k-claim").first).to_be_visible()
    page.locator("#p-0 mark.hl").first.click()
    expect(page.locator("#details")).to_contain_text("by demo")
    expect(page.locator("#details form")).to_have_count(0)
    page.keyboard.press("Escape")

    select_phrase(page, 1, "Marking the immediate backdrop")
    page.wait_for_timeout(200)
    expect(page.locator("#toolbar")).to_be_hidden()
    page.keyboard.press("c")
    page.wait_for_timeout(200)
    assert len(live_tags()) == 1


def test_mouse_selection_in_a_paragraph_with_emoji_and_cjk_stores_code_points(page: Page, seed):
    owner = seed.project.memberships.get(role="owner").user
    text = "Ties 🇮🇳🤝🇨🇳 grew 👩‍💻 fast: 北京 and\u00a0New Delhi 😀 agreed."
    doc = document_create(actor=owner, project=seed.project, title="Emoji", paragraphs=[text])
    sign_in(page, "demo", "demo")
    open_document(page, doc.pk)
    select_phrase(page, 0, "北京 and\u00a0New Delhi 😀")
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator("#tag-list li")).to_have_count(1)
    tag = Tag.objects.get(document=doc)
    assert tag.quote == "北京 and\u00a0New Delhi 😀"
    assert text[tag.start : tag.end] == tag.quote
    assert tag.start == text.index("北京")

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert "".join(page.locator("#p-0 mark.hl").all_text_contents()) == tag.quote


def test_phone_width_page_fits_and_tags(page: Page, seed):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    select_phrase(page, 3, "sharing best cooperation methods")
    expect(page.locator("#toolbar")).to_be_visible()
    expect(page.locator("#toolbar")).to_be_in_viewport()
    page.locator("#toolbar").get_by_role("button", name="Evidence").click()
    expect(page.locator("#p-3 mark.hl.k-evidence")).to_have_count(1)
    screenshot(page, "document-phone")


def test_api_errors_are_shown_in_plain_words(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    select_phrase(page, 0, CLAIM)
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator("#tag-list li")).to_have_count(1)
    select_phrase(page, 0, CLAIM)
    expect(page.locator("#toolbar")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator(".toast-error")).to_contain_text("already tagged this exact span")
    expect(page.locator("#toolbar")).to_be_visible()

    page.context.set_offline(True)
    page.keyboard.press("o")
    expect(page.locator(".toast-error").last).to_contain_text("Could not reach the server")
    page.context.set_offline(False)
    assert len(live_tags()) == 1


def test_select_and_tag_with_the_keyboard_alone(page: Page, seed):
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    page.locator("#p-1").focus()
    expect(page.locator(".kbd-caret")).to_be_visible()
    # "Marking the immediate": two words and the space after each, then the third word.
    for _ in range(3):
        page.keyboard.press("Control+Shift+ArrowRight")
    expect(page.locator("#toolbar")).to_be_visible()
    expect(page.locator("#toolbar-quote")).to_contain_text("Marking the immediate")
    page.keyboard.press("c")
    expect(page.locator("#p-1 mark.hl.k-claim")).to_have_count(1)
    tag = live_tags()[0]
    assert tag.quote.startswith("Marking the immediate")
    assert tag.start == 0


def test_two_browsers_editing_one_tag_never_overwrite_each_other(page: Page, seed, browser):
    owner = seed.project.memberships.get(role="owner").user
    paragraph = seed.paragraphs.get(position=3)
    tag = tag_create(
        actor=owner, paragraph=paragraph, start=0, end=len("This proposed agreement"), kind="claim"
    )
    sign_in(page, "demo", "demo")
    open_document(page, seed.pk)
    other_context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=page.url)
    other = other_context.new_page()
    sign_in(other, "demo", "demo")
    open_document(other, seed.pk)
    for p in (page, other):
        p.locator("#p-3 mark.hl").first.click()
        expect(p.locator("#details")).to_be_visible()

    # The second starts a note (so the page keeps it when the first one's change arrives).
    other.locator("#details").get_by_label("Note").fill("My note, written meanwhile")
    page.locator("#details").get_by_label("Kind").select_option("evidence")
    page.locator("#details").get_by_role("button", name="Save changes").click()
    expect(page.locator(".toast").last).to_contain_text("Changes saved")

    other.locator("#details").get_by_role("button", name="Save changes").click()
    # Nothing is saved: the card shows the tag as it is now, the dialog both versions.
    conflict = other.locator("#details .conflict")
    expect(conflict).to_contain_text("demo changed this tag while you were editing it")
    expect(other.locator("#details .tag-card-summary .kind-label")).to_have_text("Evidence")
    expect(conflict.locator('tr[data-field="note"]')).to_contain_text("My note, written meanwhile")
    expect(conflict.locator('tr[data-field="kind"]')).to_contain_text("kept either way")
    expect(other.locator("#details").get_by_label("Note", exact=True)).to_be_disabled()
    tag.refresh_from_db()
    assert (tag.kind, tag.note, tag.version) == ("evidence", "", 2)

    # Having seen the new version, the second person keeps their note on purpose: the first
    # person's kind stays.
    conflict.get_by_role("button", name="Keep mine").click()
    expect(other.locator(".toast").last).to_contain_text("Your version saved")
    expect(other.locator("#details .conflict")).to_have_count(0)
    tag.refresh_from_db()
    assert (tag.kind, tag.note) == ("evidence", "My note, written meanwhile")
    other_context.close()
