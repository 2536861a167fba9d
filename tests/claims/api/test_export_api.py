"""GET /api/documents/{id}/export/: formats by ?format= and Accept, filters, errors."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Tag
from tests.factories import LinkFactory, ReviewFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

W3C_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
AIF_TYPE = 'application/json; profile="http://www.arg.dundee.ac.uk/aif"'
FORMATS = [
    ("json", "application/json", "json"),
    ("w3c", W3C_TYPE, "jsonld"),
    ("csv", "text/csv; charset=utf-8", "csv"),
    ("aif", AIF_TYPE, "json"),
    ("argdown", "text/plain; charset=utf-8", "argdown"),
    ("graphml", "application/graphml+xml", "graphml"),
    ("dot", "text/vnd.graphviz; charset=utf-8", "dot"),
    ("svg", "image/svg+xml", "svg"),
]


@pytest.fixture
def tagged(document, members) -> dict:
    """Two tags by the annotator, one by the curator, a link, a review and a deleted tag."""
    p0, p1 = document.paragraphs.order_by("position")
    mine = TagFactory(paragraph=p0, start=0, end=11, author=members["annotator"])
    other = TagFactory(paragraph=p1, start=0, end=5, kind="evidence", author=members["annotator"])
    theirs = TagFactory(paragraph=p1, start=10, end=17, kind="opinion", author=members["curator"])
    LinkFactory(source=other, target=mine, author=members["annotator"])
    ReviewFactory(tag=theirs, reviewer=members["annotator"], verdict="disagree")
    TagFactory(paragraph=p0, start=12, end=14, author=members["curator"], deleted_at=timezone.now())
    return {"mine": mine, "other": other, "theirs": theirs}


def _get(client, document, query: str = "", accept: str | None = None):
    headers = {} if accept is None else {"Accept": accept}
    return client.get(f"/api/documents/{document.pk}/export/{query}", headers=headers)


def _today() -> str:
    """The date a file made now is named with."""
    return timezone.localdate().isoformat()


def _body(response) -> str:
    assert response.streaming
    return response.getvalue().decode("utf-8")


@pytest.mark.parametrize(("fmt", "content_type", "extension"), FORMATS)
def test_each_format_by_query_parameter(
    document, members, tagged, client_for, fmt, content_type, extension
):
    document.title = "India and China: a breakthrough"
    document.save()
    response = _get(client_for(members["viewer"]), document, f"?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="{document.project.slug}-india-and-china-a-breakthrough-'
        f'{_today()}.{extension}"'
    )
    assert "Accept" in response["Vary"]
    assert _body(response)


def test_json_export_holds_the_live_annotations_with_their_ids(
    document, members, tagged, client_for
):
    data = json.loads(_body(_get(client_for(members["viewer"]), document, "?format=json")))
    assert data["format"] == "claim-annotator"
    assert [p["position"] for p in data["paragraphs"]] == [0, 1]
    ids = [t["id"] for t in data["tags"]]
    assert ids == [tagged["mine"].pk, tagged["other"].pk, tagged["theirs"].pk]
    assert not Tag.objects.exclude(pk__in=ids).filter(deleted_at__isnull=True).exists()
    assert data["links"][0]["source"] == tagged["other"].pk
    assert data["reviews"][0]["tag"] == tagged["theirs"].pk


def test_w3c_export_uses_absolute_urls_of_this_server(document, members, tagged, client_for):
    data = json.loads(_body(_get(client_for(members["viewer"]), document, "?format=w3c")))
    first = data["first"]["items"][0]
    assert first["id"] == f"http://testserver/api/tags/{tagged['mine'].pk}/"
    assert first["target"]["source"] == f"http://testserver/documents/{document.pk}/"
    assert data["total"] == 3


def test_csv_export_has_one_row_per_live_tag(document, members, tagged, client_for):
    rows = list(
        csv.DictReader(
            io.StringIO(
                _body(_get(client_for(members["viewer"]), document, "?format=csv")), newline=""
            )
        )
    )
    assert [int(r["id"]) for r in rows] == [t.pk for t in tagged.values()]
    assert rows[2]["disagree"] == "1"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/ld+json", W3C_TYPE),
        (W3C_TYPE, W3C_TYPE),
        (AIF_TYPE, AIF_TYPE),
        ('application/json;profile="http://www.arg.dundee.ac.uk/aif"', AIF_TYPE),
        ('application/json; profile="https://example.org/other"', "application/json"),
        ("text/plain", "text/plain; charset=utf-8"),
        ("application/graphml+xml", "application/graphml+xml"),
        ("text/vnd.graphviz", "text/vnd.graphviz; charset=utf-8"),
        ("image/svg+xml", "image/svg+xml"),
        ("image/svg+xml;q=0.5, text/vnd.graphviz", "text/vnd.graphviz; charset=utf-8"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ],
)
def test_format_by_accept_header(document, members, client_for, accept, content_type):
    response = _get(client_for(members["viewer"]), document, accept=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


def test_query_parameter_wins_over_accept_header(document, members, client_for):
    response = _get(
        client_for(members["viewer"]), document, "?format=csv", accept="application/json"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_unknown_format_parameter_is_a_400_naming_the_formats(document, members, client_for):
    response = _get(client_for(members["viewer"]), document, "?format=xml")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "format": [
            "Unknown format 'xml'; use one of: "
            "aif, argdown, brat, brat-txt, csv, dot, graphml, json, svg, w3c."
        ]
    }


def test_unacceptable_accept_header_is_a_406_naming_the_formats(document, members, client_for):
    response = _get(client_for(members["viewer"]), document, accept="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    for name, media_type, _ in FORMATS:
        assert f"{name} ({media_type.split(';')[0]}" in detail


def test_author_filter_keeps_one_persons_tags(document, members, tagged, client_for):
    client = client_for(members["viewer"])
    data = json.loads(_body(_get(client, document, "?format=json&author=annotator")))
    assert [t["id"] for t in data["tags"]] == [tagged["mine"].pk, tagged["other"].pk]
    assert {t["author"] for t in data["tags"]} == {"annotator"}
    assert len(data["links"]) == 1
    # The annotator's review is of the curator's tag, which is not in this export.
    assert data["reviews"] == []
    response = _get(client, document, "?format=csv&author=curator")
    assert response["Content-Disposition"].endswith(f'-curator-{_today()}.csv"')
    assert len(_body(response).strip().splitlines()) == 2


def test_author_filter_for_someone_without_tags_is_an_empty_export(
    document, members, tagged, client_for
):
    data = json.loads(
        _body(_get(client_for(members["viewer"]), document, "?format=w3c&author=nobody"))
    )
    assert data["total"] == 0


@pytest.mark.parametrize("fmt", [name for name, _, _ in FORMATS])
def test_non_member_gets_a_json_404(document, members, client_for, fmt):
    response = _get(client_for(members["outsider"]), document, f"?format={fmt}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_deleted_document_is_a_404(document, members, client_for):
    document.deleted_at = timezone.now()
    document.save()
    assert _get(client_for(members["owner"]), document).status_code == 404


def test_anonymous_gets_a_json_401(document, api_client):
    response = _get(api_client, document, "?format=csv")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_options_answers_json(document, members, client_for):
    response = client_for(members["viewer"]).options(f"/api/documents/{document.pk}/export/")
    assert response.status_code == 200
    assert response.json()["name"]


def test_unicode_title_gives_an_encoded_filename(document, members, client_for):
    document.title = "中印安全合作 🤝"
    document.save()
    response = _get(client_for(members["viewer"]), document, "?format=csv")
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{document.project.slug}-"
        f"%E4%B8%AD%E5%8D%B0%E5%AE%89%E5%85%A8%E5%90%88%E4%BD%9C-{_today()}.csv"
    )


def test_query_count_does_not_grow_with_the_tags(document, members, client_for):
    client = client_for(members["viewer"])
    paragraph = document.paragraphs.get(position=0)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, document, "?format=json").status_code == 200
        return len(queries)

    authors = [UserFactory() for _ in range(3)]
    for i in range(10):
        TagFactory(paragraph=paragraph, start=i, end=i + 5, author=authors[i % 3])
    few = count_queries()
    for i in range(10, 60):
        TagFactory(paragraph=paragraph, start=i, end=i + 5, author=authors[i % 3])
    assert count_queries() == few


@pytest.fixture
def mapped(document, members) -> dict:
    """An argument map with an implicit statement, a linked argument and an undercut; the
    curator accepted the claim and one premise."""
    p0, p1 = document.paragraphs.order_by("position")
    annotator = members["annotator"]
    claim = TagFactory(paragraph=p1, start=0, end=5, author=annotator, decision="accepted")
    evidence = TagFactory(
        paragraph=p1, start=6, end=24, kind="evidence", author=annotator, decision="accepted"
    )
    implicit = Tag.objects.create(
        document=document, quote="Shared words mean shared plans.", kind="claim", author=annotator
    )
    opinion = TagFactory(paragraph=p0, start=0, end=4, kind="opinion", author=members["curator"])
    first = LinkFactory(source=evidence, target=claim, group="g", author=annotator)
    second = LinkFactory(source=implicit, target=claim, group="g", author=annotator)
    undercut = LinkFactory(
        source=opinion, target=None, target_link=first, relation="undercuts", author=annotator
    )
    return {
        "claim": claim,
        "evidence": evidence,
        "implicit": implicit,
        "opinion": opinion,
        "links": (first, second, undercut),
    }


def test_status_filter_keeps_the_accepted_layer(document, members, mapped, client_for):
    client = client_for(members["viewer"])
    response = _get(client, document, "?format=json&status=accepted")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-accepted-{_today()}.json"')
    data = json.loads(_body(response))
    assert [t["id"] for t in data["tags"]] == [mapped["claim"].pk, mapped["evidence"].pk]
    assert {t["status"] for t in data["tags"]} == {"accepted"}
    # Only the link between two accepted tags is left; the undercut's source is pending.
    assert [lk["id"] for lk in data["links"]] == [mapped["links"][0].pk]


def test_status_filter_takes_several_statuses(document, members, mapped, client_for):
    client = client_for(members["viewer"])
    data = json.loads(_body(_get(client, document, "?format=json&status=pending,accepted")))
    assert len(data["tags"]) == 4
    assert len(data["links"]) == 3
    data = json.loads(_body(_get(client, document, "?format=json&status=rejected")))
    assert data["tags"] == data["links"] == []


@pytest.mark.parametrize(("fmt", "content_type", "extension"), FORMATS)
def test_status_and_author_filters_hold_for_every_format(
    document, members, mapped, client_for, fmt, content_type, extension
):
    client = client_for(members["viewer"])
    accepted = _body(_get(client, document, f"?format={fmt}&status=accepted"))
    everything = _body(_get(client, document, f"?format={fmt}"))
    left_out = mapped["implicit"].quote
    assert left_out in everything
    assert left_out not in accepted
    response = _get(client, document, f"?format={fmt}&author=curator&status=pending")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-curator-pending-{_today()}.{extension}"')
    assert left_out not in _body(response)


def test_unknown_status_is_a_400_naming_the_statuses(document, members, client_for):
    response = _get(client_for(members["viewer"]), document, "?format=aif&status=gold,accepted")
    assert response.status_code == 400
    assert response.json() == {
        "status": [
            "Unknown status 'gold'; use one or more of pending, accepted, disputed, rejected, "
            "separated by commas."
        ]
    }


def test_the_map_formats_carry_the_whole_map(document, members, mapped, client_for):
    client = client_for(members["viewer"])
    aif = json.loads(_body(_get(client, document, "?format=aif")))
    assert sorted(n["type"] for n in aif["nodes"]) == ["CA", "I", "I", "I", "I", "RA"]
    assert len(aif["edges"]) == 5  # two premises in, one conclusion out; undercut in and out
    implicit = next(n for n in aif["nodes"] if n.get("implicit"))
    assert implicit["text"] == "Shared words mean shared plans."
    argdown = _body(_get(client, document, "?format=argdown"))
    assert "#implicit" in argdown
    assert f"<Support {mapped['links'][0].pk}>" in argdown
    svg = _body(_get(client, document, "?format=svg"))
    assert f'href="http://testserver/documents/{document.pk}/#tag-{mapped["claim"].pk}"' in svg
