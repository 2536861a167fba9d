"""AIF round trips: our map -> AIF -> import -> AIF gives the same graph, with and without the
database, and through the API (our JSON -> AIF -> import -> AIF)."""

import io
import json
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings

from claims.argmap.from_snapshot import map_from_snapshot
from claims.interchange.exporters.aif_export import aif_graph
from claims.interchange.exporters.json_export import snapshot_as_dict
from claims.interchange.importers.aif_import import AifImporter
from claims.interchange.importers.source_text import ImportOptions
from claims.interchange.importing import annotations_import
from claims.selectors import document_snapshot
from claims.snapshot import DocumentSnapshot, LinkRow, ParagraphRow, TagRow
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


def undercuts_of_one_argument() -> DocumentSnapshot:
    """A passage "0" and an implicit "0" together support another implicit "0" (a linked
    argument), and the passage undercuts both of the argument's links: two undercuts of one
    AIF scheme node by the same premise, told apart only by the link each one attacks.

    The case Hypothesis found: AIF names a scheme node, not a link, as an undercut's target,
    so the second undercut read as a repeat of the first and was merged into it.
    """

    def tag(tag_id: int, implicit: bool) -> TagRow:
        return TagRow(
            id=tag_id,
            paragraph_id=None if implicit else 10,
            paragraph_position=None if implicit else 0,
            start=None if implicit else 0,
            end=None if implicit else 1,
            quote="0",
            prefix="",
            suffix="",
            kind="claim",
            note="",
            author="alice",
        )

    def link(link_id: int, source: int, target: int | None, target_link: int | None) -> LinkRow:
        relation = "supports" if target_link is None else "undercuts"
        group = "g1" if target_link is None else ""
        return LinkRow(
            link_id, source, target, relation, "", "alice", target_link_id=target_link, group=group
        )

    return DocumentSnapshot(
        id=None,
        title="A map",
        paragraphs=(ParagraphRow(id=10, position=0, text="0"),),
        tags=(tag(0, False), tag(1, True), tag(2, True)),
        links=(
            link(100, 0, 2, None),
            link(101, 1, 2, None),
            link(102, 0, None, 100),
            link(103, 0, None, 101),
        ),
    )


def test_undercuts_of_two_links_of_one_argument_survive_aif():
    snapshot = undercuts_of_one_argument()
    again = through_aif(snapshot)
    assert graph_shape(aif_graph(again)) == graph_shape(aif_graph(snapshot))
    # Each undercut attacks the same link as before. The import numbers the tags in the order
    # of the file's I-nodes, which is the map's reading order.
    tag_of = {node.id: i + 1 for i, node in enumerate(map_from_snapshot(snapshot).nodes)}
    links = {lk.id: lk for lk in snapshot.links}
    links_again = {lk.id: lk for lk in again.links}

    def undercuts(rows: dict[int, LinkRow], tag: dict[int, int]) -> list[tuple[int, int]]:
        return sorted(
            (tag[lk.source_id], tag[rows[lk.target_link_id].source_id])
            for lk in rows.values()
            if lk.target_link_id is not None
        )

    same = {tag_id: tag_id for tag_id in tag_of.values()}
    assert undercuts(links_again, same) == undercuts(links, tag_of) == [(1, 1), (1, 2)]


@settings(max_examples=150, deadline=None)
@given(snapshot=maps(people=("alice",), for_aif=True))
@example(snapshot=undercuts_of_one_argument())
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
