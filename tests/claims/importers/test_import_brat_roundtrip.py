"""brat round trips: brat -> import -> brat gives the same entities and relations (through the
mapping), with and without the database."""

import io
from dataclasses import replace

import pytest
from hypothesis import given, settings

from claims.interchange.exporters.brat_export import brat_ann, brat_text
from claims.interchange.importers.brat_import import BratImporter
from claims.interchange.importers.source_text import ImportOptions
from claims.interchange.importing import file_import
from claims.selectors import document_snapshot
from tests.claims.importers.test_import_brat import ANN, MAPPING, TXT
from tests.claims.importers.test_import_roundtrip import maps
from tests.factories import MembershipFactory, UserFactory

KINDS = dict(pair.split("=") for pair in MAPPING.split(","))
RELATIONS = {"supports": "supports", "Attack": "attacks"}


def standoff(ann: str, text: str) -> tuple[list, list]:
    """Return the entities (text span, type, text) and relations (type, the spans they join) of
    an .ann file, for comparing two files whose ids differ."""
    entities, relations = {}, []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T"):
            kind, spans = fields[1].split(" ", 1)
            entities[fields[0]] = (spans, kind, fields[2])
        elif line.startswith("R"):
            kind, *args = fields[1].split()
            roles = dict(arg.split(":") for arg in args)
            relations.append((kind, roles["Arg1"], roles["Arg2"]))
    span_of = {ann_id: spans for ann_id, (spans, _, _) in entities.items()}
    for spans, _, quote in entities.values():
        start, end = (int(x) for x in spans.split(" "))
        assert text[start:end] == quote
    return (
        sorted(entities.values()),
        sorted((kind, span_of[a], span_of[b]) for kind, a, b in relations),
    )


def mapped(ann: str) -> str:
    """Rewrite the essay's .ann the way the mappings read it, with its repeat and notes gone."""
    lines = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T"):
            kind, spans = fields[1].split(" ", 1)
            lines.append(f"{fields[0]}\t{KINDS[kind]} {spans}\t{fields[2]}")
        elif line.startswith("R") and fields[0] != "R4":
            kind, rest = fields[1].split(" ", 1)
            lines.append(f"{fields[0]}\t{RELATIONS[kind]} {rest}")
    return "\n".join(lines)


@pytest.mark.django_db
def test_brat_to_import_to_brat_keeps_entities_and_relations(client_for):
    owner = UserFactory(username="curator")
    project = MembershipFactory(user=owner, role="owner").project
    ann_file = io.BytesIO(ANN.encode())
    ann_file.name = "essay001.ann"
    txt_file = io.BytesIO(TXT.encode())  # the byte order mark is part of brat's offsets
    txt_file.name = "essay001.txt"
    response = client_for(owner).post(
        f"/api/projects/{project.pk}/import/",
        {"format": "brat", "file": ann_file, "text_file": txt_file, "mapping": MAPPING},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["report"]["tags"], body["report"]["links"]) == (4, 3)
    snapshot = document_snapshot(project.documents.get(pk=body["document"]))
    assert snapshot.title == "essay001"
    again, text = brat_ann(snapshot), brat_text(snapshot)
    # Our .txt has no byte order mark and no blank line, so the offsets differ; the passages,
    # their types and the relations between them are the same.
    got_entities, got_relations = standoff(again, text)
    want_entities, want_relations = standoff(mapped(ANN), TXT)

    def by_text(entities: list) -> list:
        return sorted((kind, quote) for _, kind, quote in entities)

    assert by_text(got_entities) == by_text(want_entities)
    quote_at = {spans: quote for spans, _, quote in got_entities}
    want_quote_at = {spans: quote for spans, _, quote in want_entities}
    assert sorted((k, quote_at[a], quote_at[b]) for k, a, b in got_relations) == sorted(
        (k, want_quote_at[a], want_quote_at[b]) for k, a, b in want_relations
    )
    assert "#1\tAnnotatorNotes T2\tTrust <matters> & lasts" in again


@pytest.mark.django_db
def test_brat_files_of_our_own_export_import_and_export_unchanged():
    owner = UserFactory(username="alice")
    project = MembershipFactory(user=owner, role="owner").project
    ann = (
        "T1\tclaim 0 11\tCooperation\n"
        "T2\tevidence 81 101\tagreed 🤝 to share 情报\n"
        'T3\topinion 102 112\t"quickly",\n'
        "R1\tsupports Arg1:T2 Arg2:T1\t\n"
        "R2\tattacks Arg1:T3 Arg2:T2\t\n"
        "#1\tAnnotatorNotes T2\tSee https://example.org/r now.\n"
        "#2\tAnnotatorNotes R2\t1 < 2\n"
    )
    text = (
        "Cooperation on internal security is a breakhrough for both countries.\n"
        'Both sides\u00a0agreed 🤝 to share 情报 "quickly",\n'
    )
    result = file_import(
        actor=None,
        project=project,
        format_name="brat",
        source=io.StringIO(ann),
        options=ImportOptions(text=text, title="Copy"),
    )
    snapshot = document_snapshot(result.document)
    assert (brat_ann(snapshot), brat_text(snapshot)) == (ann, text)


@settings(max_examples=150, deadline=None)
@given(snapshot=maps(people=("alice",), for_aif=True))
def test_any_brat_export_reads_back_to_the_same_file(snapshot):
    # brat holds neither implicit statements nor undercuts; the exporter leaves them out.
    ann, text = brat_ann(snapshot), brat_text(snapshot)
    parsed = BratImporter().read(
        io.StringIO(ann), ImportOptions(text=text, title="Again", author="alice")
    )
    assert (brat_ann(parsed.snapshot), brat_text(parsed.snapshot)) == (ann, text)
    passages = [t for t in snapshot.tags if not t.implicit]
    assert len(parsed.snapshot.tags) == len(passages)
    # The comparison can fail: a changed kind shows.
    if passages:
        changed = replace(
            parsed.snapshot.tags[0], kind="opinion" if passages[0].kind != "opinion" else "claim"
        )
        other = replace(parsed.snapshot, tags=(changed, *parsed.snapshot.tags[1:]))
        assert brat_ann(other) != ann
