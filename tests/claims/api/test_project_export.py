"""GET /api/projects/{id}/export/: a whole project in one streamed json, w3c or aif file."""

import itertools
import json

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from claims import selectors
from claims.interchange.exporters import PROJECT_EXPORTERS
from claims.interchange.exporters.aif_export import aif_graph
from claims.interchange.exporters.base import json_text
from claims.interchange.exporters.json_export import PROJECT_FORMAT_NAME, snapshot_as_dict
from claims.interchange.exporters.w3c import annotation
from tests.claims.exporters.test_export_w3c_conformance import (
    ANNOTATION_MUSTS,
    failed_collection_musts,
    failed_musts,
)
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    ParagraphFactory,
    ReviewFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

AIF_TYPE = 'application/json; profile="http://www.arg.dundee.ac.uk/aif"'


@pytest.fixture
def project_docs(document, members) -> list:
    """Three documents: the fixture's (tags, a link, a review), one emoji/CJK one, one empty.

    Plus a deleted document and a deleted tag, which no export may show.
    """
    project = document.project
    p0, p1 = document.paragraphs.order_by("position")
    claim = TagFactory(paragraph=p0, start=0, end=11, author=members["annotator"])
    evidence = TagFactory(paragraph=p1, start=0, end=5, kind="evidence", author=members["curator"])
    LinkFactory(source=evidence, target=claim, author=members["annotator"])
    ReviewFactory(tag=claim, reviewer=members["curator"], verdict="agree")
    TagFactory(paragraph=p0, start=12, end=20, author=members["owner"], deleted_at=timezone.now())

    second = DocumentFactory(project=project, title="第二篇 🧵")
    text = "合作 🤝 is \u00a0welcome: “yes”.\nA second line\tand a tab."
    para = ParagraphFactory(document=second, position=0, text=text)
    a = TagFactory(paragraph=para, start=0, end=4, author=members["annotator"], note="<b>ok</b>")
    b = TagFactory(paragraph=para, start=5, end=20, kind="opinion", author=members["annotator"])
    LinkFactory(source=b, target=a, relation="attacks", author=members["annotator"])

    empty = DocumentFactory(project=project, title="No tags yet")
    ParagraphFactory(document=empty, position=0)
    gone = DocumentFactory(project=project, title="Deleted", deleted_at=timezone.now())
    TagFactory(paragraph=ParagraphFactory(document=gone, position=0), author=members["owner"])
    return [document, second, empty]


def _export(client, project, fmt: str):
    response = client.get(f"/api/projects/{project.pk}/export/?format={fmt}")
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    return response, b"".join(response.streaming_content).decode("utf-8")


def _snapshots(docs) -> list:
    return [
        selectors.document_snapshot(
            d,
            page_url=f"http://testserver/documents/{d.pk}/",
            api_url="http://testserver/api/",
        )
        for d in docs
    ]


def test_json_holds_each_live_document_as_its_own_export(project_docs, members, client_for):
    project = project_docs[0].project
    response, text = _export(client_for(members["viewer"]), project, "json")
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert f'filename="{project.slug}-{today}.json"' in response["Content-Disposition"]
    expected = {
        "format": PROJECT_FORMAT_NAME,
        "version": 1,
        "project": {"name": project.name, "slug": project.slug},
        "documents": [snapshot_as_dict(s) for s in _snapshots(project_docs)],
    }
    assert json.loads(text) == expected
    # Streamed a document at a time, yet the very text of the whole file written at once.
    assert text == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    titles = [d["document"]["title"] for d in expected["documents"]]
    assert titles == [project_docs[0].title, "第二篇 🧵", "No tags yet"]
    assert [len(d["tags"]) for d in expected["documents"]] == [2, 2, 0]


def test_each_document_of_the_json_file_imports_on_its_own(project_docs, members, client_for):
    project = project_docs[0].project
    owner = client_for(members["owner"])
    _, text = _export(owner, project, "json")
    second = json.loads(text)["documents"][1]
    url = f"/api/projects/{project.pk}/import/"
    # Into the same project it is that document again: imported only when allowed.
    response = owner.post(url, second, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["existing"]["document"] == project_docs[1].pk
    response = owner.post(f"{url}?allow_duplicate=true", second, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["report"]["tags"] == 2
    assert response.json()["report"]["links"] == 1


def test_w3c_is_one_conformant_collection_over_all_documents(project_docs, members, client_for):
    project = project_docs[0].project
    response, text = _export(client_for(members["annotator"]), project, "w3c")
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(text)
    items = data["first"]["items"]
    snapshots = _snapshots(project_docs)
    expected_items = [
        annotation(t, api_url=s.api_url, page_url=s.page_url) for s in snapshots for t in s.tags
    ]
    assert items == expected_items
    assert data["total"] == len(items) == 4
    assert {i["target"]["source"] for i in items} == {
        f"http://testserver/documents/{d.pk}/" for d in project_docs[:2]
    }
    assert data["id"] == f"http://testserver/api/projects/{project.pk}/export/?format=w3c"
    assert failed_collection_musts(data) == {}
    for item in items:
        assert failed_musts(item, ANNOTATION_MUSTS) == {}
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_aif_is_one_graph_numbered_on_across_documents(project_docs, members, client_for):
    project = project_docs[0].project
    response, text = _export(client_for(members["annotator"]), project, "aif")
    assert response["Content-Type"] == AIF_TYPE
    data = json.loads(text)
    nodes, edges = [], []
    for snapshot in _snapshots(project_docs):
        graph = aif_graph(snapshot, first_node=len(nodes) + 1, first_edge=len(edges) + 1)
        nodes += graph["nodes"]
        edges += graph["edges"]
    assert data == {"nodes": nodes, "edges": edges, "locutions": []}
    assert [n["nodeID"] for n in nodes] == [str(i) for i in range(1, len(nodes) + 1)]
    ids = {n["nodeID"] for n in nodes}
    assert all(e["fromID"] in ids and e["toID"] in ids for e in edges)
    assert [n["type"] for n in nodes].count("I") == 4
    assert {n["type"] for n in nodes} == {"I", "RA", "CA"}
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("fmt", sorted(PROJECT_EXPORTERS))
def test_a_project_without_tags_is_a_valid_empty_file(document, members, client_for, fmt):
    _, text = _export(client_for(members["viewer"]), document.project, fmt)
    data = json.loads(text)
    if fmt == "w3c":
        assert data["total"] == 0
        assert "first" not in data
    elif fmt == "aif":
        assert data == {"nodes": [], "edges": [], "locutions": []}
    else:
        assert len(data["documents"]) == 1
        assert data["documents"][0]["tags"] == []


def test_a_project_without_documents_is_a_valid_empty_file(document, members, client_for):
    document.deleted_at = timezone.now()
    document.save()
    client = client_for(members["viewer"])
    assert json.loads(_export(client, document.project, "json")[1])["documents"] == []
    assert json.loads(_export(client, document.project, "aif")[1])["nodes"] == []


def test_the_accept_header_picks_the_format(document, members, client_for):
    client = client_for(members["viewer"])
    url = f"/api/projects/{document.project.pk}/export/"
    response = client.get(url, headers={"Accept": AIF_TYPE})
    assert response["Content-Type"] == AIF_TYPE
    response = client.get(url, headers={"Accept": "application/ld+json"})
    assert response["Content-Type"].startswith("application/ld+json")


@pytest.mark.parametrize("fmt", ["csv", "argdown", "nope"])
def test_formats_that_hold_one_document_are_refused_with_the_list(
    document, members, client_for, fmt
):
    response = client_for(members["viewer"]).get(
        f"/api/projects/{document.project.pk}/export/?format={fmt}"
    )
    assert response.status_code == 400
    assert response.json() == {"format": [f"Unknown format {fmt!r}; use one of: aif, json, w3c."]}


def test_an_unexportable_accept_header_is_406_naming_the_project_formats(
    document, members, client_for
):
    response = client_for(members["viewer"]).get(
        f"/api/projects/{document.project.pk}/export/", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 406
    assert "csv" not in response.json()["detail"]
    assert "aif" in response.json()["detail"]


def test_outsiders_get_404_and_anonymous_401(document, members, client_for, api_client):
    url = f"/api/projects/{document.project.pk}/export/?format=json"
    assert client_for(members["outsider"]).get(url).status_code == 404
    assert client_for(members["outsider"]).get("/api/projects/999999/export/").status_code == 404
    assert api_client.get(url).status_code == 401


def _tagged_project(document, members, tags_per_doc: int, docs: int):
    project = document.project
    for d in range(docs):
        doc = document if d == 0 else DocumentFactory(project=project)
        para = (
            doc.paragraphs.first()
            if d == 0
            else ParagraphFactory(document=doc, position=0, text="x" * 200)
        )
        made = [
            TagFactory(paragraph=para, start=i, end=i + 3, author=members["annotator"])
            for i in range(tags_per_doc)
        ]
        for source, target in itertools.pairwise(made):
            LinkFactory(source=source, target=target, author=members["annotator"])
            ReviewFactory(tag=target, reviewer=members["curator"])
    return project


@pytest.mark.parametrize("fmt", sorted(PROJECT_EXPORTERS))
def test_queries_grow_with_documents_not_with_tags(
    document, members, client_for, django_assert_max_num_queries, fmt
):
    project = _tagged_project(document, members, tags_per_doc=3, docs=2)
    client = client_for(members["viewer"])
    # Auth and lookups, the count, the document list, and four reads per document.
    with django_assert_max_num_queries(8 + 4 * 2):
        _export(client, project, fmt)
    for doc in project.documents.all():
        para = doc.paragraphs.first()
        for i in range(40):
            TagFactory(paragraph=para, start=i + 10, end=i + 12, author=members["owner"])
    with django_assert_max_num_queries(8 + 4 * 2):
        _export(client, project, fmt)


def test_consistent_reads_takes_repeatable_read_on_postgresql(transactional_db, document):
    from django.db import connection

    with selectors.consistent_reads(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "repeatable read"
        assert connection.in_atomic_block


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(value=JSON_VALUES, level=st.integers(0, 4))
def test_json_text_is_the_standard_library_text(value, level):
    """Any JSON value (emoji, CJK, control characters, line breaks in strings) reads the same."""
    standard = json.dumps(value, ensure_ascii=False, indent=2)
    try:
        standard.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: not storable text, refused at the edge
        return
    assert json_text(value, level=0) == standard
    nested = json_text(value, level=level)
    assert json.loads(nested) == value
    assert nested == standard.replace("\n", "\n" + "  " * level)


# --- Streaming gives the text of the whole file, for any mix of documents --------------------


def _documents(draw_titles: list[str], kinds: list[int]) -> list:
    from tests.claims.exporters.test_export_formats import make_map_snapshot, make_snapshot

    documents = []
    for number, (title, kind) in enumerate(zip(draw_titles, kinds, strict=True), start=1):
        page = f"https://claims.example/documents/{number}/"
        make = (make_snapshot, make_map_snapshot, make_snapshot)[kind]
        changes = {"id": number, "title": title, "page_url": page}
        if kind == 2:
            changes |= {"tags": (), "links": (), "reviews": ()}
        documents.append(make(**changes))
    return documents


def _project(documents: list, name: str):
    from claims.snapshot import ProjectSnapshot

    return ProjectSnapshot(
        id=9,
        name=name,
        slug="p",
        tag_count=sum(len(d.tags) for d in documents),
        documents=iter(documents),
        api_url="https://claims.example/api/",
    )


TITLES = st.text(max_size=30) | st.sampled_from(['"items": []', "a\nb", "🧵 第二", "]\n}"])


@given(
    titles=st.lists(TITLES, max_size=4),
    kinds=st.lists(st.integers(0, 2), min_size=4, max_size=4),
    name=TITLES,
)
def test_streamed_project_files_are_the_whole_files(titles, kinds, name):
    documents = _documents(titles, kinds[: len(titles)])
    chunks = {
        fmt: "".join(e.project_chunks(_project(documents, name)))
        for fmt, e in PROJECT_EXPORTERS.items()
    }

    whole_json = {
        "format": PROJECT_FORMAT_NAME,
        "version": 1,
        "project": {"name": name, "slug": "p"},
        "documents": [snapshot_as_dict(d) for d in documents],
    }
    assert chunks["json"] == json_text(whole_json) + "\n"

    items = [
        annotation(t, api_url=d.api_url, page_url=d.page_url) for d in documents for t in d.tags
    ]
    collection_id = "https://claims.example/api/projects/9/export/?format=w3c"
    whole_w3c = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": name,
        "total": len(items),
    }
    if items:
        whole_w3c["first"] = {
            "id": f"{collection_id}#page-1",
            "type": "AnnotationPage",
            "partOf": {"id": collection_id, "label": name, "total": len(items)},
            "startIndex": 0,
            "items": items,
        }
    assert chunks["w3c"] == json_text(whole_w3c) + "\n"

    nodes, edges = [], []
    for d in documents:
        graph = aif_graph(d, first_node=len(nodes) + 1, first_edge=len(edges) + 1)
        nodes += graph["nodes"]
        edges += graph["edges"]
    whole_aif = {"nodes": nodes, "edges": edges, "locutions": []}
    assert chunks["aif"] == json_text(whole_aif) + "\n"


def test_a_count_that_disagrees_with_the_rows_stops_the_w3c_export():
    from dataclasses import replace

    from tests.claims.exporters.test_export_formats import make_snapshot

    project = replace(_project([make_snapshot()], "p"), tag_count=99)
    with pytest.raises(RuntimeError, match="Counted 99 tags but wrote 3"):
        "".join(PROJECT_EXPORTERS["w3c"].project_chunks(project))
