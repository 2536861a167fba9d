"""Nothing lost, in a real Chromium: a curator finds deleted tags, restores them with their
links, reads a tag's history; finds a link deleted on its own and restores it, or reads why it
cannot come back yet; stale and forbidden restores are told in plain words; annotators and
viewers get no deleted view."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from annotator.models import Membership
from claims.models import Link, Tag
from claims.services import (
    link_create,
    link_delete,
    tag_create,
    tag_delete,
    tag_restore,
    tag_update,
)
from tests.e2e.pages import open_document, screenshot, sign_in

pytestmark = pytest.mark.e2e

CLAIM = "This agreement is unprecedented"
EVIDENCE = "Marking the immediate backdrop"
XSS_NOTE = '<em>key</em> point <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def make_tags(seed, author):
    """A claim (kind changed once, with a note) supported by a piece of evidence."""
    first, second = seed.paragraphs.get(position=0), seed.paragraphs.get(position=1)
    at = first.text.index(CLAIM)
    claim = tag_create(actor=author, paragraph=first, start=at, end=at + len(CLAIM), kind="opinion")
    claim = tag_update(actor=author, tag=claim, kind="claim", note=XSS_NOTE)
    evidence = tag_create(
        actor=author, paragraph=second, start=0, end=len(EVIDENCE), kind="evidence"
    )
    link = link_create(actor=author, source=evidence, target=claim, relation="supports")
    return claim, evidence, link


def user(username):
    return get_user_model().objects.get(username=username)


def test_curator_deletes_finds_restores_and_reads_the_history(page: Page, seed, member_of):
    member_of("annotator", "ana")
    claim, _evidence, link = make_tags(seed, user("ana"))
    sign_in(page, *member_of("curator", "cora"))
    open_document(page, seed.pk)
    expect(page.locator("#p-0 mark.hl.k-claim")).to_have_count(1)

    page.locator("#p-0 mark.hl").first.click()
    details = page.locator("#details")
    details.get_by_role("button", name="Delete tag").click()
    expect(page.locator("#p-0 mark.hl")).to_have_count(0)
    assert not Link.objects.filter(pk=link.pk).exists()

    # The deleted view, opened and worked with the keyboard.
    toggle = page.locator("#deleted-open")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    entry = page.locator("#deleted-list li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(CLAIM)
    expect(entry).to_contain_text("Claim")
    expect(entry).to_contain_text("by ana")
    expect(entry.locator(".deleted-meta")).to_contain_text(re.compile(r"deleted .+ by cora"))
    screenshot(page, "document-deleted-tags")

    restore = entry.get_by_role("button", name="Restore")
    restore.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#p-0 mark.hl.k-claim")).to_have_count(1)
    expect(page.locator("#deleted-list li")).to_have_count(0)
    expect(page.locator("#deleted-summary")).to_have_text("No deleted tags in this document.")
    expect(page.locator(".toast").last).to_contain_text("Claim restored")
    assert Tag.objects.get(pk=claim.pk).deleted_at is None
    assert Link.objects.get(pk=link.pk).deleted_at is None
    expect(page.locator("#deleted-open")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#deleted-section")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # The link is back in the details, and the history tells the whole story, oldest first.
    page.locator("#p-0 mark.hl").first.click()
    expect(details.locator(".card-links")).to_contain_text(f"supported by: “{EVIDENCE}”")
    history = details.get_by_role("button", name="History of this tag")
    expect(history).to_have_attribute("aria-expanded", "false")
    history.click()
    entries = details.locator(".tag-card > .history .history-entry")
    expect(entries).to_have_count(4)
    actions = [entries.nth(i).get_attribute("data-action") for i in range(4)]
    assert actions == ["create", "update", "delete", "restore"]
    expect(entries.nth(0)).to_contain_text("ana created it")
    expect(entries.nth(0)).to_contain_text("kind: Author opinion")
    expect(entries.nth(1)).to_contain_text("ana changed it")
    expect(entries.nth(1)).to_contain_text("kind: Author opinion → Claim")
    # Bleach kept <em> and escaped the rest: the words and what was typed, as text.
    expect(entries.nth(1)).to_contain_text("note: (empty) → “key point <img src=x onerror=")
    expect(entries.nth(2)).to_contain_text("cora deleted it")
    expect(entries.nth(3)).to_contain_text("cora restored it")
    # Nothing of the note became an element or ran.
    panel = details.locator(".tag-card > .history .history-panel")
    expect(panel.locator("em, img, script")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
    screenshot(page, "document-tag-history")

    # Escape closes the history first (focus back on its button), then the details.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(history).to_be_focused()
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()

    # The link's own history is one disclosure away.
    page.locator("#p-0 mark.hl").first.click()
    details.locator(".link-item").get_by_role(
        "button", name=re.compile("History of the link")
    ).click()
    link_entries = details.locator(".link-item .history-entry")
    expect(link_entries).to_have_count(3)
    expect(link_entries.nth(0)).to_contain_text("relation: supports")
    expect(link_entries.nth(1)).to_contain_text("cora deleted it")
    expect(link_entries.nth(2)).to_contain_text("cora restored it")


def test_stale_and_forbidden_restores_are_told_in_plain_words(page: Page, seed, member_of):
    member_of("annotator", "ana")
    ana = user("ana")
    claim, evidence, _link = make_tags(seed, ana)
    tag_delete(actor=ana, tag=claim)
    tag_delete(actor=ana, tag=evidence)
    sign_in(page, *member_of("curator", "cora"))
    open_document(page, seed.pk)
    page.locator("#deleted-open").click()
    entries = page.locator("#deleted-list li")
    expect(entries).to_have_count(2)

    # Someone restores and deletes the claim again while the list is open: a 412.
    claim = Tag.all_objects.get(pk=claim.pk)
    tag_restore(actor=ana, tag=claim)
    tag_delete(actor=ana, tag=Tag.objects.get(pk=claim.pk))
    page.locator(f"#deleted-list li[data-tag='{claim.pk}']").get_by_role(
        "button", name="Restore"
    ).click()
    expect(page.locator(".toast-error")).to_contain_text("Someone else changed this tag")
    expect(page.locator("#p-0 mark.hl")).to_have_count(0)
    assert Tag.all_objects.get(pk=claim.pk).deleted_at is not None
    # The list was reloaded with the current version: restoring now works.
    page.locator(f"#deleted-list li[data-tag='{claim.pk}']").get_by_role(
        "button", name="Restore"
    ).click()
    expect(page.locator("#p-0 mark.hl.k-claim")).to_have_count(1)
    assert Tag.objects.filter(pk=claim.pk).exists()

    # Demoted meanwhile, the curator may no longer restore someone else's tag: a 403.
    Membership.objects.filter(user__username="cora").update(role="annotator")
    page.locator(f"#deleted-list li[data-tag='{evidence.pk}']").get_by_role(
        "button", name="Restore"
    ).click()
    expect(page.locator(".toast-error").last).to_contain_text("Not allowed")
    expect(page.locator(".toast-error").last).to_contain_text("The tag was not restored")
    expect(page.locator("#p-1 mark.hl")).to_have_count(0)
    assert Tag.all_objects.get(pk=evidence.pk).deleted_at is not None


@pytest.mark.parametrize("role", ["annotator", "viewer"])
def test_annotators_and_viewers_get_no_deleted_view_but_see_history(
    page: Page, seed, member_of, role
):
    member_of("annotator", "ana")
    claim, _evidence, _link = make_tags(seed, user("ana"))
    gone = tag_create(
        actor=user("ana"), paragraph=seed.paragraphs.get(position=2), start=0, end=5, kind="claim"
    )
    tag_delete(actor=user("ana"), tag=gone)
    sign_in(page, *member_of(role, "someone"))
    open_document(page, seed.pk)
    expect(page.locator("#deleted-open")).to_have_count(0)
    expect(page.locator("#deleted-section")).to_have_count(0)
    expect(page.get_by_text("Deleted tags")).to_have_count(0)

    page.locator("#p-0 mark.hl").first.click()
    page.locator("#details").get_by_role("button", name="History of this tag").click()
    expect(page.locator("#details .tag-card > .history .history-entry")).to_have_count(2)
    assert Tag.objects.get(pk=claim.pk)


def test_deleted_view_and_history_at_phone_width(page: Page, seed, member_of):
    member_of("annotator", "ana")
    claim, _evidence, _link = make_tags(seed, user("ana"))
    tag_delete(actor=user("ana"), tag=claim)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "demo", "demo")  # the project's owner
    open_document(page, seed.pk)
    page.locator("#deleted-open").click()
    restore = page.locator("#deleted-list").get_by_role("button", name="Restore")
    restore.scroll_into_view_if_needed()
    expect(restore).to_be_in_viewport()
    page.locator("#deleted-list").get_by_role("button", name="History of this tag").click()
    expect(page.locator("#deleted-list .history-entry")).to_have_count(3)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "document-deleted-phone")

    restore.click()
    expect(page.locator("#p-0 mark.hl.k-claim")).to_have_count(1)
    page.locator("#p-0 mark.hl").first.click()
    details = page.locator("#details")
    details.get_by_role("button", name="History of this tag").click()
    expect(details.locator(".tag-card > .history .history-entry")).to_have_count(4)
    box = details.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_curator_finds_a_link_deleted_on_its_own_and_restores_it(page: Page, seed, member_of):
    member_of("annotator", "ana")
    claim, _evidence, link = make_tags(seed, user("ana"))
    sign_in(page, *member_of("curator", "cora"))
    open_document(page, seed.pk)
    expect(page.locator("body")).to_have_attribute("data-links-ready", "true")

    # Delete the link on its own, from the claim's details; both tags stay.
    page.locator("#p-0 mark.hl").first.click()
    details = page.locator("#details")
    details.locator(".link-item").get_by_role("button", name="Delete link").click()
    expect(details.locator(".card-links")).to_contain_text("No links yet.")
    assert Link.all_objects.get(pk=link.pk).deleted_at is not None
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()

    # The deleted view lists it, with the keyboard: source → relation → target, who and when.
    toggle = page.locator("#deleted-open")
    expect(toggle).to_have_text("Deleted tags and links")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#deleted-summary")).to_have_text("No deleted tags in this document.")
    entry = page.locator("#deleted-links > li")
    expect(entry).to_have_count(1)
    expect(entry.locator(".deleted-head")).to_have_text(f"“{EVIDENCE}” → supports → “{CLAIM}”")
    expect(entry.locator(".deleted-meta")).to_contain_text(
        re.compile(r"by ana · deleted .+ by cora")
    )
    expect(page.locator("#deleted-links-summary")).to_have_text(
        "1 deleted link, the most recently deleted first."
    )
    screenshot(page, "document-deleted-links")

    # Its history is there too.
    entry.get_by_role("button", name="History of this link").click()
    expect(entry.locator(".history-entry")).to_have_count(2)
    expect(entry.locator(".history-entry").nth(1)).to_contain_text("cora deleted it")

    restore = entry.get_by_role("button", name="Restore")
    expect(restore).to_be_enabled()
    restore.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#deleted-links > li")).to_have_count(0)
    expect(page.locator("#deleted-links-summary")).to_have_text(
        "No deleted links in this document."
    )
    expect(page.locator(".toast").last).to_contain_text(
        f"Link restored: “{EVIDENCE}” supports “{CLAIM}”"
    )
    expect(toggle).to_be_focused()
    assert Link.objects.get(pk=link.pk).deleted_at is None

    # The page's link view has it again, without a reload.
    page.locator("#p-0 mark.hl").first.click()
    expect(details.locator(".card-links")).to_contain_text(f"supported by: “{EVIDENCE}”")
    assert Tag.objects.get(pk=claim.pk)


def test_a_link_whose_tag_is_deleted_says_why_it_cannot_come_back_yet(page: Page, seed, member_of):
    member_of("annotator", "ana")
    ana = user("ana")
    claim, evidence, link = make_tags(seed, ana)
    third = tag_create(
        actor=ana, paragraph=seed.paragraphs.get(position=2), start=0, end=5, kind="evidence"
    )
    attack = link_create(actor=ana, source=third, target=claim, relation="attacks")
    link_delete(actor=ana, link=link)  # on its own first ...
    tag_delete(actor=ana, tag=claim)  # ... then its target, which takes ``attack`` along
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, *member_of("curator", "cora"))
    open_document(page, seed.pk)
    page.locator("#deleted-open").click()

    alone = page.locator(f"#deleted-links > li[data-link='{link.pk}']")
    along = page.locator(f"#deleted-links > li[data-link='{attack.pk}']")
    expect(page.locator("#deleted-links > li")).to_have_count(2)
    expect(alone.locator(".deleted-head")).to_contain_text(f"→ supports → “{CLAIM}” (deleted)")
    expect(alone.locator(".deleted-reason")).to_have_text(
        f"Its target tag “{CLAIM}” is deleted: restore that tag first, then this link."
    )
    expect(alone.get_by_role("button", name="Restore")).to_be_disabled()
    expect(along.locator(".deleted-reason")).to_have_text(
        f"Deleted along with the tag “{CLAIM}”: restoring that tag brings this link back."
    )
    expect(along.get_by_role("button", name="Restore")).to_be_disabled()
    # The reason is read with the button.
    described = alone.get_by_role("button", name="Restore").get_attribute("aria-describedby")
    assert f"deleted-link-reason-{link.pk}" in described.split()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    alone.scroll_into_view_if_needed()
    screenshot(page, "document-deleted-link-blocked-phone")

    # "Go to the deleted tag" leads to the tag's Restore; restoring it brings back the link
    # deleted along with it, and makes the other one restorable.
    alone.get_by_role("button", name="Go to the deleted tag").click()
    tag_restore_button = page.locator(f"#deleted-list li[data-tag='{claim.pk}']").get_by_role(
        "button", name="Restore"
    )
    expect(tag_restore_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#p-0 mark.hl.k-claim")).to_have_count(1)
    expect(page.locator("#deleted-links > li")).to_have_count(1)
    expect(alone.locator(".deleted-reason")).to_have_count(0)
    assert Link.objects.get(pk=attack.pk).deleted_at is None
    restore = alone.get_by_role("button", name="Restore")
    expect(restore).to_be_enabled()
    restore.scroll_into_view_if_needed()
    expect(restore).to_be_in_viewport()

    # Deleted meanwhile by someone else: the server's 409 is told, and the entry says why.
    tag_delete(actor=ana, tag=Tag.objects.get(pk=evidence.pk))
    restore.click()
    expect(page.locator(".toast-error").last).to_contain_text(
        "The link was not restored. Restore the deleted tag first"
    )
    expect(alone.locator(".deleted-reason")).to_have_text(
        f"Its source tag “{EVIDENCE}” is deleted: restore that tag first, then this link."
    )
    expect(alone.locator(".deleted-reason")).to_be_focused()
    assert Link.all_objects.get(pk=link.pk).deleted_at is not None
