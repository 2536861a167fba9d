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


def _body(response) -> str:
    assert response.streaming
    return response.getvalue().decode("utf-8")


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("json", "application/json", "json"),
        ("w3c", W3C_TYPE, "jsonld"),
        ("csv", "text/csv; charset=utf-8", "csv"),
    ],
)
def test_each_format_by_query_parameter(
    document, members, tagged, client_for, fmt, content_type, extension
):
    document.title = "India and China: a breakthrough"
    document.save()
    response = _get(client_for(members["viewer"]), document, f"?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="india-and-china-a-breakthrough.{extension}"'
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
    assert response.json() == {"format": ["Unknown format 'xml'; use one of: csv, json, w3c."]}


def test_unacceptable_accept_header_is_a_406_naming_the_formats(document, members, client_for):
    response = _get(client_for(members["viewer"]), document, accept="application/xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    for name in ("json (application/json)", "w3c (application/ld+json", "csv (text/csv)"):
        assert name in detail


def test_author_filter_keeps_one_persons_tags(document, members, tagged, client_for):
    client = client_for(members["viewer"])
    data = json.loads(_body(_get(client, document, "?format=json&author=annotator")))
    assert [t["id"] for t in data["tags"]] == [tagged["mine"].pk, tagged["other"].pk]
    assert {t["author"] for t in data["tags"]} == {"annotator"}
    assert len(data["links"]) == 1
    # The annotator's review is of the curator's tag, which is not in this export.
    assert data["reviews"] == []
    response = _get(client, document, "?format=csv&author=curator")
    assert response["Content-Disposition"].endswith('-curator.csv"')
    assert len(_body(response).strip().splitlines()) == 2


def test_author_filter_for_someone_without_tags_is_an_empty_export(
    document, members, tagged, client_for
):
    data = json.loads(
        _body(_get(client_for(members["viewer"]), document, "?format=w3c&author=nobody"))
    )
    assert data["total"] == 0


@pytest.mark.parametrize("fmt", ["json", "w3c", "csv"])
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
        "attachment; filename*=utf-8''%E4%B8%AD%E5%8D%B0%E5%AE%89%E5%85%A8%E5%90%88%E4%BD%9C.csv"
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
