"""AIF round trips: our map -> AIF -> import -> AIF gives the same graph, with and without the
database, and through the API (our JSON -> AIF -> import -> AIF)."""

import io
import json
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from claims.interchange.exporters.aif_export import aif_graph
from claims.interchange.exporters.json_export import snapshot_as_dict
from claims.interchange.importers.aif_import import AifImporter
from claims.interchange.importers.source_text import ImportOptions
from claims.interchange.importing import annotations_import
from claims.selectors import document_snapshot
from claims.snapshot import DocumentSnapshot, ParagraphRow
from tests.claims.importers.test_import_roundtrip import map_snapshot, maps
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


def graph_shape(data: dict) -> list[str]:
    """Return the AIF graph without ids: each statement by its text, kind and implicitness,
    each scheme node by its type, its premises and (recursively) its conclusion."""
    nodes = {n["nodeID"]: n for n in data["nodes"]}
    premises: dict[str, list[str]] = defaultdict(list)
    conclusion: dict[str, str] = {}
    for edge in data["edges"]:
        if nodes[edge["fromID"]]["type"] == "I":
            premises[edge["toID"]].append(edge["fromID"])
        else:
            conclusion[edge["fromID"]] = edge["toID"]

    def key(node_id: str) -> tuple:
        n = nodes[node_id]
        if n["type"] == "I":
            return ("I", n["text"], n.get("claimKind"), n.get("implicit"))
        inputs = tuple(sorted(repr(key(p)) for p in premises[node_id]))
        return (n["type"], n["text"], inputs, key(conclusion[node_id]))

    return sorted(repr(key(node_id)) for node_id in nodes)


def source_text(snapshot: DocumentSnapshot) -> str:
    return "".join(f"{p.text}\n" for p in snapshot.paragraphs)


def through_aif(snapshot: DocumentSnapshot, author: str = "alice") -> DocumentSnapshot:
    file = json.dumps(aif_graph(snapshot), ensure_ascii=False)
    options = ImportOptions(text=source_text(snapshot), title="Again", author=author)
    return AifImporter().read(io.StringIO(file), options).snapshot


@settings(max_examples=150, deadline=None)
@given(snapshot=maps(people=("alice",), for_aif=True))
def test_any_map_survives_aif_export_and_import(snapshot):
    again = through_aif(snapshot)
    assert graph_shape(aif_graph(again)) == graph_shape(aif_graph(snapshot))
    # Every passage is found again in the text, at a place that reads the same.
    assert sorted(t.implicit for t in again.tags) == sorted(t.implicit for t in snapshot.tags)
    for tag in again.tags:
        if not tag.implicit:
            assert again.paragraphs[tag.paragraph_position].text[tag.start : tag.end] == tag.quote


def test_the_round_trip_can_fail():
    """The comparison sees a lost undercut, a changed kind and statements that lost their place."""
    snapshot = map_snapshot()
    shape = graph_shape(aif_graph(snapshot))
    assert graph_shape(aif_graph(through_aif(snapshot))) == shape
    no_undercut = tuple(lk for lk in snapshot.links if lk.id != 40)
    assert graph_shape(aif_graph(replace(snapshot, links=no_undercut))) != shape
    kinds = (replace(snapshot.tags[0], kind="opinion"), *snapshot.tags[1:])
    assert graph_shape(aif_graph(replace(snapshot, tags=kinds))) != shape
    other_text = (ParagraphRow(id=7, position=0, text="Something else."),)
    moved = through_aif(replace(snapshot, paragraphs=other_text))
    assert graph_shape(aif_graph(moved)) != shape


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshot=maps(people=("alice",), for_aif=True))
def test_any_map_survives_aif_through_the_database(snapshot):
    UserFactory(username="alice")
    stored = annotations_import(actor=None, project=ProjectFactory(), snapshot=snapshot)
    exported = aif_graph(document_snapshot(stored.document))
    again = through_aif(document_snapshot(stored.document))
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=again)
    assert graph_shape(aif_graph(document_snapshot(result.document))) == graph_shape(exported)


# --- Through the API: our JSON -> AIF -> import -> AIF ------------------------------------------


@pytest.mark.django_db
def test_json_to_aif_to_import_to_aif_through_the_api(client_for):
    owner = UserFactory(username="alice")
    project = MembershipFactory(user=owner, role="owner").project
    client = client_for(owner)
    # Our JSON: the map of test_import_api (implicit statement, linked argument, undercuts).
    data = snapshot_as_dict(map_snapshot())
    for link in data["links"]:
        link["author"] = "alice"  # an AIF import has one author, so the map needs just one
    response = client.post(f"/api/projects/{project.pk}/import/", data, format="json")
    assert response.status_code == 201, response.content
    first = response.json()["document"]
    aif = json.loads(client.get(f"/api/documents/{first}/export/?format=aif").getvalue())
    text = client.get(f"/api/documents/{first}/export/?format=json")
    paragraphs = [p["text"] for p in json.loads(text.getvalue())["paragraphs"]]
    upload = io.BytesIO(json.dumps(aif).encode())
    upload.name = "map.json"
    response = client.post(
        f"/api/projects/{project.pk}/import/",
        {"format": "aif", "file": upload, "text": "\n".join(paragraphs)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    report = response.json()["report"]
    assert (report["tags"], report["implicit"], report["links"]) == (3, 1, 4)
    assert report["skipped"] == []
    second = response.json()["document"]
    again = json.loads(client.get(f"/api/documents/{second}/export/?format=aif").getvalue())
    assert graph_shape(again) == graph_shape(aif)
