"""The map page: who may open it, the picture, the map check, the views, constant queries."""

import re

import pytest
from django.test import Client

from claims import services
from claims.models import Link, Tag
from tests.clients import signed_in
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    ParagraphFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def argued(document, members) -> dict:
    """A claim by the annotator supported by the curator's evidence; an unsupported claim and
    an opinion offered as evidence by the annotator."""
    first, second = document.paragraphs.order_by("position")
    ana, cleo = members["annotator"], members["curator"]
    claim = services.tag_create(actor=ana, paragraph=first, start=0, end=32, kind="claim")
    evidence = services.tag_create(actor=cleo, paragraph=second, start=0, end=45, kind="evidence")
    lonely = services.tag_create(actor=ana, paragraph=second, start=0, end=5, kind="claim")
    opinion = services.tag_create(actor=ana, paragraph=first, start=36, end=50, kind="opinion")
    services.link_create(actor=cleo, source=evidence, target=claim, relation="supports")
    services.link_create(actor=ana, source=opinion, target=claim, relation="supports")
    return {"claim": claim, "evidence": evidence, "lonely": lonely, "opinion": opinion}


def url(document, query: str = "") -> str:
    return f"/documents/{document.pk}/map/{query}"


def test_anonymous_visitors_are_sent_to_sign_in(document):
    response = Client().get(url(document))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsiders_and_missing_documents_get_404(document, members):
    assert signed_in(members["outsider"]).get(url(document)).status_code == 404
    assert signed_in(members["viewer"]).get("/documents/999999/map/").status_code == 404


@pytest.mark.parametrize("role", ["owner", "curator", "annotator", "viewer"])
def test_every_member_sees_the_map(document, members, argued, role):
    response = signed_in(members[role]).get(url(document))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="argmap"' in html
    assert "4 statements and 2 links" in html


def test_every_node_links_to_its_passage(document, members, argued):
    html = signed_in(members["viewer"]).get(url(document)).content.decode()
    for tag in argued.values():
        assert f'<a href="/documents/{document.pk}/#tag-{tag.pk}"><g class="node' in html
    assert html.count('class="node k-') == 4
    assert html.count('class="edge supports') == 2
    assert f'href="/documents/{document.pk}/"' in html  # back to the document


def test_findings_are_listed_and_name_and_link_their_tags(document, members, argued):
    response = signed_in(members["viewer"]).get(url(document))
    findings = response.context["findings"]
    assert [(f["code"], [t["id"] for t in f["tags"]]) for f in findings] == [
        ("unsupported-claim", [argued["lonely"].pk]),
        ("opinion-as-evidence", [argued["opinion"].pk, argued["claim"].pk]),
    ]
    html = response.content.decode()
    assert "Unsupported claim" in html
    assert "Opinion offered as evidence" in html
    opinion = argued["opinion"]
    assert f'href="/documents/{document.pk}/#tag-{opinion.pk}" data-tag="{opinion.pk}"' in html
    assert f"“{opinion.quote}”" in html
    assert f'href="?tag={opinion.pk}" data-focus-tag="{opinion.pk}"' in html


def test_user_text_is_escaped_in_the_map_and_the_findings(document, members):
    services.implicit_tag_create(
        actor=members["annotator"],
        document=document,
        text='<script>alert("x")</script> & more',
        kind="claim",
    )
    html = signed_in(members["viewer"]).get(url(document)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "implicit" in html


def test_one_authors_view_keeps_their_tags_and_the_select_lists_every_author(
    document, members, argued
):
    response = signed_in(members["viewer"]).get(url(document, "?author=curator"))
    assert response.context["map"].nodes[0].id == argued["evidence"].pk
    assert len(response.context["map"].nodes) == 1
    html = response.content.decode()
    assert "1 statement and 0 links · curator\u2019s tags" in html
    authors = html[html.index('id="view-author"') : html.index("</select>")]
    options = re.findall(r'<option value="([^"]*)"( selected)?>', authors)
    assert options == [("", ""), ("annotator", ""), ("curator", " selected")]


def test_accepted_only_view(document, members, argued):
    services.tag_decide(actor=members["curator"], tag=argued["claim"], status="accepted")
    services.tag_decide(actor=members["curator"], tag=argued["evidence"], status="accepted")
    response = signed_in(members["annotator"]).get(url(document, "?status=accepted"))
    m = response.context["map"]
    assert {n.id for n in m.nodes} == {argued["claim"].pk, argued["evidence"].pk}
    assert len(m.edges) == 1
    html = response.content.decode()
    assert "accepted only" in html
    assert 'name="status" value="accepted" checked' in html
    assert response.context["findings"] == []
    assert "Nothing to report" in html


def test_an_unknown_status_is_a_400_that_says_why(document, members):
    response = signed_in(members["viewer"]).get(url(document, "?status=gold"))
    assert response.status_code == 400
    assert "Unknown status 'gold'" in response.content.decode()


def test_the_focus_tag_reaches_the_page_script(document, members, argued):
    html = signed_in(members["viewer"]).get(url(document, f"?tag={argued['claim'].pk}"))
    assert f'data-focus="{argued["claim"].pk}"' in html.content.decode()


def test_an_empty_map_says_so(document, members):
    html = signed_in(members["viewer"]).get(url(document)).content.decode()
    assert "No tags to map." in html
    assert "No tags in this view yet." in html


def populate(size: int):
    reader, author = UserFactory(), UserFactory()
    document = DocumentFactory()
    MembershipFactory(project=document.project, user=reader, role="viewer")
    MembershipFactory(project=document.project, user=author, role="annotator")
    paragraph = ParagraphFactory(document=document, position=0, text="x" * (size + 1))
    tags = Tag.objects.bulk_create(
        Tag(
            document=document,
            paragraph=paragraph,
            start=i,
            end=i + 1,
            quote="x",
            kind=("claim", "evidence")[i % 2],
            author=author,
        )
        for i in range(size)
    )
    Link.objects.bulk_create(
        Link(source=tags[i], target=tags[i // 2], relation="supports", author=author)
        for i in range(1, size)
    )
    return document, reader


@pytest.mark.parametrize("size", [5, 120])
def test_page_query_count_does_not_grow_with_the_map(size, django_assert_max_num_queries):
    document, reader = populate(size)
    client = signed_in(reader)
    # Session and user, the document, the live line's seq, the four map reads and the authors.
    with django_assert_max_num_queries(9):
        response = client.get(url(document))
    assert response.status_code == 200
    assert len(response.context["map"].nodes) == size


def test_the_consensus_view_keeps_what_k_annotators_agree_on(document, members):
    paragraph = document.paragraphs.get(position=0)
    a, b = members["annotator"], members["curator"]
    a_claim = TagFactory(paragraph=paragraph, author=a, start=0, end=11)
    TagFactory(paragraph=paragraph, author=b, start=0, end=8)
    TagFactory(paragraph=paragraph, author=a, start=15, end=23, kind="evidence")
    client = signed_in(members["viewer"])
    html = client.get(f"/documents/{document.pk}/map/?consensus=2").content.decode()
    assert "1 statement and 0 links" in html
    assert "consensus of 2: what at least 2 annotators agree on" in html
    assert f'id="node-{a_claim.pk}"' in html
    assert '<option value="2" selected>2 annotators</option>' in html
    html = client.get(f"/documents/{document.pk}/map/?consensus=1").content.decode()
    assert "2 statements and 0 links" in html
    response = client.get(f"/documents/{document.pk}/map/?consensus=0")
    assert response.status_code == 400
