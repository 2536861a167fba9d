"""Curating in a real Chromium at 360 px: a curator settles every disagreement of a
two-annotator document by keyboard, then withdraws one decision."""

import json

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from claims import services
from claims.models import Tag
from claims.selectors import history_of
from tests.e2e.pages import screenshot, sign_in

pytestmark = pytest.mark.e2e


def span(seed, who, position, phrase, kind, cut=0, skip=0):
    """Tag ``phrase`` (less ``skip`` characters at its start and ``cut`` at its end) in
    paragraph ``position``."""
    paragraph = seed.paragraphs.get(position=position)
    start = paragraph.text.index(phrase)
    return services.tag_create(
        actor=who,
        paragraph=paragraph,
        start=start + skip,
        end=start + len(phrase) - cut,
        kind=kind,
    )


@pytest.fixture
def two_readings(seed, member_of) -> dict:
    """ann1 and ann2 differ four ways: a boundary, a kind, a relation, a missing tag."""
    users = get_user_model().objects
    member_of("annotator", "ann1")
    member_of("annotator", "ann2")
    ann1, ann2 = users.get(username="ann1"), users.get(username="ann2")
    arrive = "is to arrive in New Delhi on October 22"
    training = "China and India launched their first joint training program"
    tags = {
        # "is to arrive in New Delhi" and "arrive in New Delhi on October 22": the boundaries
        # overlap partly.
        "claim1": span(seed, ann1, 0, arrive, "claim", cut=len(" on October 22")),
        "claim2": span(seed, ann2, 0, arrive, "claim", skip=len("is to ")),
        "ev1": span(seed, ann1, 1, training, "evidence"),
        "op2": span(seed, ann2, 1, training, "opinion"),
        "outcome1": span(seed, ann1, 2, "the most visible outcome", "opinion"),
    }
    services.link_create(actor=ann1, source=tags["ev1"], target=tags["claim1"], relation="supports")
    services.link_create(actor=ann2, source=tags["op2"], target=tags["claim2"], relation="attacks")
    return tags


def test_a_curator_settles_every_disagreement_by_keyboard(
    page: Page, seed, two_readings, member_of
):
    tags = two_readings
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, *member_of("curator", "cur"))
    page.goto(f"/documents/{seed.pk}/curate/")
    page.wait_for_selector("body[data-ready=true]")
    counter = page.locator("#counter")
    expect(counter).to_have_text("4 disagreements left")
    units = page.locator(".unit")
    expect(units).to_have_count(4)
    expect(page.locator(".unit.current")).to_have_attribute("data-category", "boundary-differs")
    lanes = page.locator(".unit.current .lane")
    expect(lanes).to_have_count(2)
    expect(lanes.nth(1)).to_contain_text("ann2")
    # Nothing runs off the side of a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "curate-phone")

    # The claim: a merged boundary, every version's extent, kept on the longer tag (ann2's),
    # which is widened; ann1's claim is rejected, the target of ann1's support: only ann2's
    # attack can remain, so the relation is settled too. The page moves on to the next open one.
    page.keyboard.press("m")
    expect(counter).to_have_text("2 disagreements left")
    expect(page.locator(".unit.current")).to_have_attribute("data-category", "kind-differs")
    page.keyboard.press("1")  # then ann1's version each time
    expect(counter).to_have_text("1 disagreement left")
    expect(page.locator(".unit.current")).to_have_attribute("data-category", "missing")
    page.keyboard.press("1")
    expect(counter).to_have_text("0 disagreements left")
    screenshot(page, "curate-settled")

    picked = {tags["claim2"].pk, tags["ev1"].pk, tags["outcome1"].pk}
    decisions = dict(Tag.objects.filter(document=seed).values_list("pk", "decision"))
    assert {pk for pk, d in decisions.items() if d == "accepted"} == picked
    assert {pk for pk, d in decisions.items() if d == "rejected"} == {
        tags["claim1"].pk,
        tags["op2"].pk,
    }
    merged = Tag.objects.get(pk=tags["claim2"].pk)
    assert merged.quote == "is to arrive in New Delhi on October 22"
    assert history_of("tag", merged.pk).filter(action="update", actor__username="cur").exists()
    # The accepted layer's export is exactly what was picked.
    response = page.request.get(f"/api/documents/{seed.pk}/export/?format=json&status=accepted")
    assert response.ok
    exported = json.loads(response.text())
    assert {t["id"] for t in exported["tags"]} == picked
    # A link is kept between kept tags: each annotator's link had a rejected end.
    assert exported["links"] == []

    # Withdrawing one decision brings its disagreement back.
    page.keyboard.press("u")
    expect(counter).to_have_text("1 disagreement left")
    expect(page.locator(".unit.current")).to_have_attribute("data-settled", "false")
    assert Tag.objects.get(pk=tags["outcome1"].pk).decision == ""
    # Moving back with k reaches the settled ones; n finds the open one again.
    page.keyboard.press("k")
    expect(page.locator(".unit.current")).to_have_attribute("data-category", "relation-differs")
    page.keyboard.press("n")
    expect(page.locator(".unit.current")).to_have_attribute("data-category", "missing")
