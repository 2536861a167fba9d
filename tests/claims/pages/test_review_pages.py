"""The review and agreement pages, and the review status on the home page."""

import json
import re

import pytest
from django.test import Client

from claims import services
from tests.clients import signed_in
from tests.factories import (
    LinkFactory,
    MembershipFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def page_json(html: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert found, element_id
    return json.loads(found.group(1))


@pytest.fixture
def paragraph(document):
    return document.paragraphs.get(position=0)


@pytest.mark.parametrize("page", ["review", "agreement"])
def test_anonymous_visitors_sign_in_and_outsiders_get_404(document, members, page):
    url = f"/documents/{document.pk}/{page}/"
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert signed_in(members["outsider"]).get(url).status_code == 404
    assert signed_in(members["viewer"]).get(f"/documents/999999/{page}/").status_code == 404


def test_review_page_carries_the_tags_in_reading_order_with_my_review(document, members, paragraph):
    second = document.paragraphs.get(position=1)
    later = TagFactory(paragraph=second, author=members["curator"], start=0, end=5)
    reviewed = TagFactory(paragraph=paragraph, author=members["curator"], start=12, end=20)
    first = TagFactory(paragraph=paragraph, author=members["owner"], start=0, end=11)
    implicit = services.implicit_tag_create(
        actor=members["owner"], document=document, text="Trust comes first.", kind="claim"
    )
    mine = TagFactory(paragraph=paragraph, author=members["annotator"], start=21, end=29)
    ReviewFactory(tag=reviewed, reviewer=members["annotator"], verdict="disagree")
    ReviewFactory(tag=reviewed, reviewer=members["owner"], verdict="agree")
    html = signed_in(members["annotator"]).get(f"/documents/{document.pk}/review/").content
    html = html.decode()
    tags = page_json(html, "review-tags")
    assert [t["id"] for t in tags] == [first.pk, reviewed.pk, mine.pk, later.pk, implicit.pk]
    by_id = {t["id"]: t for t in tags}
    assert by_id[reviewed.pk]["mine"]["verdict"] == "disagree"
    assert by_id[reviewed.pk]["status"] == "disputed"
    assert (by_id[reviewed.pk]["agree"], by_id[reviewed.pk]["disagree"]) == (1, 1)
    assert by_id[first.pk]["mine"] is None
    assert by_id[implicit.pk]["implicit"] is True
    assert by_id[implicit.pk]["quote"] == "Trust comes first."
    config = page_json(html, "review-config")
    assert [p["text"] for p in config["paragraphs"]] == [paragraph.text, second.text]
    assert (config["canReview"], config["canCurate"]) == (True, False)
    assert config["api"] == {"tags": "/api/tags/", "reviews": "/api/reviews/"}
    assert 'id="agree"' in html
    assert 'data-decision="accepted"' not in html
    assert "2 agrees and no disagree" in html
    assert f'href="/documents/{document.pk}/map/?status=accepted"' in html


def test_viewers_read_only_and_curators_decide(document, members, paragraph):
    TagFactory(paragraph=paragraph, author=members["annotator"])
    viewer = signed_in(members["viewer"]).get(f"/documents/{document.pk}/review/").content.decode()
    assert 'id="read-only"' in viewer
    assert "but not review tags" in viewer
    assert 'id="agree"' not in viewer
    assert 'data-decision="accepted"' not in viewer
    assert page_json(viewer, "review-config")["canReview"] is False
    curator = signed_in(members["curator"]).get(f"/documents/{document.pk}/review/")
    html = curator.content.decode()
    assert 'id="read-only"' not in html
    for status in ("accepted", "rejected", "pending"):
        assert f'data-decision="{status}"' in html
    assert page_json(html, "review-config")["canCurate"] is True


def test_the_rule_sentence_follows_the_project(document, members):
    project = document.project
    project.accept_after_agrees, project.reject_after_disagrees = 0, 1
    project.save()
    html = signed_in(members["viewer"]).get(f"/documents/{document.pk}/review/").content.decode()
    assert "reviews alone never accept a tag" in html
    assert "1 disagree and no agree make it" in html


def test_review_page_queries_do_not_grow(
    document, members, paragraph, django_assert_max_num_queries
):
    client = signed_in(members["annotator"])
    reviewers = [UserFactory() for _ in range(3)]
    for user in reviewers:
        MembershipFactory(project=document.project, user=user)

    def add(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            tag = TagFactory(paragraph=paragraph, author=reviewers[i % 3], start=i, end=i + 1)
            ReviewFactory(tag=tag, reviewer=members["annotator"])
            ReviewFactory(tag=tag, reviewer=reviewers[(i + 1) % 3])

    # One more than before live updates: the live line's seq.
    add(3, 0)
    with django_assert_max_num_queries(8):
        client.get(f"/documents/{document.pk}/review/")
    add(40, 3)
    with django_assert_max_num_queries(8):
        response = client.get(f"/documents/{document.pk}/review/")
    assert len(response.context["tags"]) == 43


def test_agreement_page_shows_tables_chart_and_reading(document, members, paragraph):
    alice, bob = members["annotator"], members["curator"]
    TagFactory(paragraph=paragraph, author=alice, start=0, end=11)
    TagFactory(paragraph=paragraph, author=bob, start=0, end=11)
    TagFactory(paragraph=paragraph, author=bob, start=15, end=23, kind="evidence")
    response = signed_in(members["viewer"]).get(f"/documents/{document.pk}/agreement/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="pairs-table"' in html
    assert "annotator and curator" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="agreement-chart"' in html
    assert "Claims: " in html  # the plain-language reading, one line per kind
    assert "Krippendorff" in html
    # Undefined measures print a dash and their reason.
    assert "no annotator tagged an opinion span" in html
    assert f"/api/documents/{document.pk}/agreement/" in html


def test_agreement_page_with_nobody_to_compare(document, members):
    html = signed_in(members["viewer"]).get(f"/documents/{document.pk}/agreement/").content
    html = html.decode()
    assert "no one has tagged this document" in html
    assert "there is no pair to compare" in html
    assert "Fewer than two annotators have tagged this document" in html  # the chart says so


def test_agreement_page_escapes_usernames(document, paragraph):
    sneaky = MembershipFactory(project=document.project, user__username="<b>x</b>").user
    other = MembershipFactory(project=document.project).user
    TagFactory(paragraph=paragraph, author=sneaky)
    TagFactory(paragraph=paragraph, author=other, end=5)
    html = signed_in(other).get(f"/documents/{document.pk}/agreement/").content.decode()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_home_links_to_review_and_agreement_and_counts_statuses(document, members, paragraph):
    accepted = TagFactory(paragraph=paragraph, author=members["annotator"], start=0, end=5)
    disputed = TagFactory(paragraph=paragraph, author=members["annotator"], start=6, end=9)
    TagFactory(paragraph=paragraph, author=members["annotator"], start=10, end=14)
    services.tag_decide(actor=members["curator"], tag=accepted, status="accepted")
    ReviewFactory(tag=disputed, reviewer=members["owner"], verdict="agree")
    ReviewFactory(tag=disputed, reviewer=members["curator"], verdict="disagree")
    html = signed_in(members["viewer"]).get("/").content.decode()
    assert f'href="/documents/{document.pk}/review/"' in html
    assert f'href="/documents/{document.pk}/agreement/"' in html
    assert f'href="/documents/{document.pk}/map/"' in html
    for status in ("accepted", "disputed", "pending"):
        assert f'data-status="{status}">1 {status}</span>' in html
    assert 'data-status="rejected"' not in html


def test_agreement_page_shows_aligned_link_f1_and_filters(document, members, paragraph):
    alice, bob = members["annotator"], members["curator"]
    a1 = TagFactory(paragraph=paragraph, author=alice, start=0, end=11)
    a2 = TagFactory(paragraph=paragraph, author=alice, start=15, end=23, kind="evidence")
    b1 = TagFactory(paragraph=paragraph, author=bob, start=0, end=12)
    b2 = TagFactory(paragraph=paragraph, author=bob, start=15, end=23, kind="evidence")
    LinkFactory(source=a2, target=a1, author=alice)
    LinkFactory(source=b2, target=b1, author=bob)
    client = signed_in(members["viewer"])
    html = client.get(f"/documents/{document.pk}/agreement/").content.decode()
    assert "Link F1, aligned" in html
    assert "0.00 exact; 1.00 aligned" in html
    html = client.get(f"/documents/{document.pk}/agreement/?kind=evidence").content.decode()
    assert 'name="kind" value="evidence" checked' in html
    response = client.get(f"/documents/{document.pk}/agreement/?status=gone")
    assert response.status_code == 400


def test_agreement_page_lists_disagreements_with_strips_and_curation_links(
    document, members, paragraph
):
    TagFactory(paragraph=paragraph, author=members["annotator"], start=0, end=11)
    TagFactory(paragraph=paragraph, author=members["owner"], start=0, end=11, kind="opinion")
    TagFactory(paragraph=paragraph, author=members["owner"], start=15, end=23, kind="evidence")
    url = f"/documents/{document.pk}/agreement/"
    html = signed_in(members["curator"]).get(url).content.decode()
    assert "2 open disagreements" in html
    assert 'class="agreement-strip"' in html
    assert "Paragraph 1: 2 disagreements" in html
    assert f'href="/documents/{document.pk}/curate/#unit=p0%3A0-11"' in html
    # Viewers read the list but get no link into a page they may not open.
    html = signed_in(members["viewer"]).get(url).content.decode()
    assert "kind-differs" in html
    assert "/curate/" not in html
