"""Reviewing in a real Chromium: an annotator reviews with the keyboard, a curator accepts."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from claims import services
from claims.models import Review, Tag
from tests.e2e.pages import screenshot, sign_in

pytestmark = pytest.mark.e2e

PHRASES = [
    (0, "claim", "is to arrive in New Delhi on October 22"),
    (1, "evidence", "China and India launched their first joint training program"),
    (2, "opinion", "the most visible outcome"),
]


@pytest.fixture
def demo_tags(seed) -> list[Tag]:
    """Three tags by demo, the owner, in reading order."""
    demo = get_user_model().objects.get(username="demo")
    tags = []
    for position, kind, phrase in PHRASES:
        paragraph = seed.paragraphs.get(position=position)
        start = paragraph.text.index(phrase)
        tags.append(
            services.tag_create(
                actor=demo,
                paragraph=paragraph,
                start=start,
                end=start + len(phrase),
                kind=kind,
            )
        )
    return tags


def open_review(page: Page, document_id: int) -> None:
    page.goto(f"/documents/{document_id}/review/")
    page.wait_for_selector("body[data-ready=true]")


def test_review_with_the_keyboard_then_a_curator_accepts(page: Page, seed, demo_tags, member_of):
    first, second, third = demo_tags
    sign_in(page, *member_of("annotator", "ann"))
    open_review(page, seed.pk)
    progress = page.locator("#progress")
    expect(progress).to_have_text("0 of 3 reviewed")
    card = page.locator("#card")
    expect(card).to_have_attribute("data-tag", str(first.pk))
    expect(page.locator("#card-context mark")).to_have_text(first.quote)
    expect(page.locator("#card-status")).to_have_text("pending")
    screenshot(page, "review-queue")

    page.keyboard.press("a")
    expect(progress).to_have_text("1 of 3 reviewed")
    expect(card).to_have_attribute("data-tag", str(second.pk))
    page.keyboard.press("n")  # skip the evidence
    expect(card).to_have_attribute("data-tag", str(third.pk))
    page.fill("#comment", "An <em>opinion</em>, not a fact?")
    page.locator("#card-title").click()  # leave the comment box, so the key is a shortcut
    page.keyboard.press("d")
    expect(progress).to_have_text("2 of 3 reviewed")
    # Only the skipped tag is left to review.
    expect(card).to_have_attribute("data-tag", str(second.pk))
    expect(page.locator("#queue-list .mine-mark")).to_have_count(2)

    reviews = {
        r.tag_id: (r.verdict, r.comment) for r in Review.objects.filter(reviewer__username="ann")
    }
    assert reviews == {
        first.pk: ("agree", ""),
        third.pk: ("disagree", "An <em>opinion</em>, not a fact?"),
    }

    # The curator sees each tag's status and accepts the first.
    page.context.clear_cookies()
    sign_in(page, *member_of("curator", "cur"))
    open_review(page, seed.pk)
    expect(card).to_have_attribute("data-tag", str(first.pk))
    expect(page.locator("#card-counts")).to_have_text("1 agree · 0 disagree")
    expect(page.locator("#discussion li")).to_have_count(1)
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#card-status")).to_have_text("accepted")
    expect(page.locator("#card-decision")).to_contain_text("Accepted by cur")
    expect(page.locator("#discussion li")).to_have_count(2)
    screenshot(page, "review-curator-accepted")
    first.refresh_from_db()
    assert (first.decision, first.decided_by.username) == ("accepted", "cur")

    # The accepted-only map shows it, and only it.
    page.goto(f"/documents/{seed.pk}/map/?status=accepted")
    expect(page.locator(f"#node-{first.pk}")).to_be_visible()
    expect(page.locator("[id^=node-]")).to_have_count(1)
    screenshot(page, "review-accepted-map")
    page.goto(f"/documents/{seed.pk}/map/")
    expect(page.locator("[id^=node-]")).to_have_count(3)


def test_a_viewer_reads_without_reviewing(page: Page, seed, demo_tags, member_of):
    implicit = services.implicit_tag_create(
        actor=demo_tags[0].author,
        document=seed,
        text="Security cooperation builds trust.",
        kind="claim",
    )
    sign_in(page, *member_of("viewer", "vic"))
    open_review(page, seed.pk)
    expect(page.locator("#read-only")).to_be_visible()
    expect(page.get_by_role("button", name="Agree")).to_have_count(0)
    expect(page.locator("#progress")).to_have_count(0)
    expect(page.locator("#card")).to_have_attribute("data-tag", str(demo_tags[0].pk))
    page.keyboard.press("a")  # no shortcut for viewers: nothing happens
    page.keyboard.press("n")
    expect(page.locator("#card")).to_have_attribute("data-tag", str(demo_tags[1].pk))
    # Implicit statements come last in reading order and say what they are.
    page.locator(f'#queue-list button[data-tag="{implicit.pk}"]').click()
    expect(page.locator("#card-context .implicit-label")).to_have_text(
        "Implicit statement: not in the text, added by the annotator."
    )
    expect(page.locator("#card-context .implicit-statement")).to_have_text(implicit.quote)
    expect(page.locator("#card-context mark")).to_have_count(0)
    assert not Review.objects.exists()


def test_an_error_is_said_plainly(page: Page, seed, demo_tags, member_of):
    sign_in(page, *member_of("annotator", "ann"))
    open_review(page, seed.pk)
    # Someone deletes the tag meanwhile: the review cannot be saved, and the page says why.
    Tag.objects.filter(pk=demo_tags[0].pk).update(deleted_at="2026-01-01T00:00:00Z")
    page.get_by_role("button", name="Agree", exact=True).click()
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error).to_have_text(re.compile(r"^Your review was not saved\. .*tag"))
    expect(page.locator("#progress")).to_have_text("0 of 3 reviewed")


def test_agreement_page_compares_two_annotators(page: Page, seed, demo_tags, member_of):
    username, password = member_of("annotator", "ann")
    ann = get_user_model().objects.get(username=username)
    for tag in demo_tags[:2]:  # ann agrees on two of demo's spans and reads a third one longer
        services.tag_create(
            actor=ann, paragraph=tag.paragraph, start=tag.start, end=tag.end, kind=tag.kind
        )
    services.tag_create(
        actor=ann,
        paragraph=demo_tags[2].paragraph,
        start=demo_tags[2].start,
        end=demo_tags[2].end + 20,
        kind="opinion",
    )
    sign_in(page, username, password)
    page.goto(f"/documents/{seed.pk}/agreement/")
    expect(page.locator("#pairs-table tbody tr")).to_have_count(1)
    expect(page.locator("#pairs-table tbody tr th")).to_have_text("ann and demo")
    expect(page.locator("#reading li").first).to_contain_text("All kinds:")
    chart = page.locator("svg.agreement-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.bar")).not_to_have_count(0)
    screenshot(page, "agreement")
    chart.scroll_into_view_if_needed()
    screenshot(page, "agreement-chart")
