"""The json importer: good files load exactly, bad ones say why; maps survive the database."""

import copy
import dataclasses
import io
import json
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from hypothesis import HealthCheck, given, settings

from claims.argmap.from_snapshot import map_from_snapshot
from claims.interchange.exporters.base import UnknownFormat
from claims.interchange.importers import IMPORTERS, get_importer
from claims.interchange.importers.json_import import MAX_ERRORS, JsonImporter
from claims.interchange.importing import annotations_import
from claims.selectors import document_snapshot
from claims.snapshot import DocumentSnapshot
from tests.claims.exporters.test_export_aif import map_arguments
from tests.claims.exporters.test_export_formats import (
    export,
    make_map_snapshot,
    make_snapshot,
    map_snapshots,
)
from tests.factories import ProjectFactory, UserFactory


def as_imported(snapshot: DocumentSnapshot) -> DocumentSnapshot:
    """Return what importing an export of ``snapshot`` should give: no URLs or document id,
    and paragraphs known by position."""
    return dataclasses.replace(
        snapshot,
        id=None,
        page_url="",
        api_url="",
        paragraphs=tuple(dataclasses.replace(p, id=p.position) for p in snapshot.paragraphs),
        tags=tuple(
            dataclasses.replace(t, paragraph_id=t.paragraph_position) for t in snapshot.tags
        ),
    )


def good_data() -> dict:
    return json.loads(export("json", make_snapshot()))


def map_data() -> dict:
    """The map snapshot's export: tags[5] is implicit (id 15); links[4] (id 25) undercuts
    links[2] (id 23); links[0] and links[1] (ids 21, 22) are the group "meetings"."""
    return json.loads(export("json", make_map_snapshot()))


def load(data: object) -> DocumentSnapshot:
    return JsonImporter().load(io.StringIO(json.dumps(data, ensure_ascii=False)))


def problems(data: object) -> dict[str, list[str]]:
    return problems_in_text(json.dumps(data, ensure_ascii=False))


def problems_in_text(text: str) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        JsonImporter().load(io.StringIO(text))
    return caught.value.message_dict


def changed(edit) -> dict:
    data = good_data()
    edit(data)
    return data


def test_an_export_loads_back_to_the_same_snapshot():
    assert load(good_data()) == as_imported(make_snapshot())


def test_a_map_with_implicit_statements_undercuts_and_groups_loads_back():
    snapshot = load(map_data())
    assert snapshot == as_imported(make_map_snapshot())
    implicit = snapshot.tags[5]
    assert implicit.implicit
    assert (implicit.prefix, implicit.suffix) == ("", "")
    assert snapshot.links[4].target_link_id == 23


def test_a_hand_written_implicit_statement_needs_no_offsets_or_status():
    data = map_data()
    for key in ("paragraph", "start", "end", "prefix", "suffix", "status"):
        del data["tags"][5][key]
    tag = load(data).tags[5]
    assert (tag.paragraph_id, tag.start, tag.end, tag.status) == (None, None, None, "pending")


def test_an_undercut_may_come_before_the_link_it_undercuts():
    data = map_data()
    data["links"].insert(0, data["links"].pop(4))
    assert [lk.id for lk in load(data).links] == [25, 21, 22, 23, 24]


def test_older_files_without_the_new_fields_still_load():
    data = good_data()
    for tag in data["tags"]:
        del tag["implicit"], tag["status"]
    for link in data["links"]:
        del link["target_link"], link["group"]
    assert load(data) == as_imported(make_snapshot())


def test_review_counts_are_recomputed_from_the_reviews():
    data = good_data()
    data["reviews"] = []
    tags = load(data).tags
    assert [(t.agree, t.disagree) for t in tags] == [(0, 0), (0, 0), (0, 0)]


def test_prefix_and_suffix_are_recomputed_from_the_text():
    data = good_data()
    data["tags"][1]["prefix"] = "tampered"
    del data["tags"][1]["suffix"]
    tag = load(data).tags[1]
    assert tag.prefix == "Both sides\u00a0"
    assert tag.suffix == ' "quickly",\nand quietly.'


def test_optional_fields_may_be_left_out():
    data = {
        "format": "claim-annotator",
        "version": 1,
        "document": {"title": "Bare"},
        "paragraphs": [{"position": 0, "text": "Only text."}],
    }
    snapshot = load(data)
    assert snapshot.title == "Bare"
    assert snapshot.byline == ""
    assert snapshot.published_on is None
    assert snapshot.tags == snapshot.links == snapshot.reviews == ()


def test_paragraphs_may_come_in_any_order():
    data = good_data()
    data["paragraphs"].reverse()
    assert load(data) == as_imported(make_snapshot())


def test_registry_knows_json_and_names_it_for_unknown_formats():
    assert isinstance(IMPORTERS["json"], JsonImporter)
    assert get_importer("json") is IMPORTERS["json"]
    with pytest.raises(UnknownFormat, match=r"use one of: .*json") as caught:
        get_importer("csv")
    assert caught.value.known == sorted(IMPORTERS)


@pytest.mark.parametrize(
    "text",
    ["{not json", "", '{"format": NaN}', "\ufeff{}"],
    ids=["broken", "empty", "nan", "bom"],
)
def test_invalid_json_is_refused(text):
    assert problems_in_text(text)[NON_FIELD_ERRORS][0].startswith("This is not valid JSON:")


@pytest.mark.parametrize("data", [[], "text", 3, None], ids=["list", "string", "number", "null"])
def test_the_file_must_hold_an_object(data):
    assert "should hold one JSON object" in problems(data)[NON_FIELD_ERRORS][0]


@pytest.mark.parametrize("fmt", [None, "w3c", "Claim-Annotator"])
def test_format_must_be_ours(fmt):
    data = changed(lambda d: d.update(format=fmt))
    assert problems(data) == {
        "format": ["This is not a claim-annotator export: format should be 'claim-annotator'."]
    }


@pytest.mark.parametrize("version", [2, 0, "1", True, None, 1.0])
def test_only_version_1_is_read(version):
    data = changed(lambda d: d.update(version=version))
    assert problems(data) == {
        "version": [f"Version {version!r} is not supported; this server reads version 1."]
    }


CASES = {
    "title missing": (
        lambda d: d["document"].pop("title"),
        {"document.title": ["This field is missing."]},
    ),
    "title blank": (
        lambda d: d["document"].update(title="  "),
        {"document.title": ["This must not be blank."]},
    ),
    "document not an object": (
        lambda d: d.update(document="x"),
        {"document": ["This should be an object, not a string."]},
    ),
    "bad date": (
        lambda d: d["document"].update(published_on="30/04/2024"),
        {"document.published_on": ["'30/04/2024' is not a date such as 2024-05-01."]},
    ),
    "no paragraphs": (
        lambda d: d.update(paragraphs=[]),
        {"paragraphs": ["A document needs at least one paragraph."]},
    ),
    "paragraphs missing": (
        lambda d: d.pop("paragraphs"),
        {"paragraphs": ["This field is missing."]},
    ),
    "paragraph gap": (
        lambda d: d["paragraphs"][1].update(position=2),
        {"paragraphs": ["Positions should run from 0 to 1 without gaps; missing: 1."]},
    ),
    "paragraph twice": (
        lambda d: d["paragraphs"][1].update(position=0),
        {"paragraphs[1].position": ["Position 0 is used twice."]},
    ),
    "paragraph blank": (
        lambda d: d["paragraphs"][0].update(text=" \n"),
        {"paragraphs[0].text": ["This must not be blank."]},
    ),
    "paragraph NUL": (
        lambda d: d["paragraphs"][0].update(text="a\x00b"),
        {"paragraphs[0].text": ["The text holds a NUL character."]},
    ),
    "paragraph not an object": (
        lambda d: d["paragraphs"].append("text"),
        {"paragraphs[2]": ["This should be an object, not a string."]},
    ),
    "tags not a list": (
        lambda d: d.update(tags={"a": 1}),
        {"tags": ["This should be a list, not an object."]},
    ),
    "quote differs": (
        lambda d: d["tags"][1].update(quote="agreed 🤝 to share 情"),
        {
            "tags[1].quote": [
                "The quote 'agreed 🤝 to share 情' does not match paragraph 1 at 11-31, which "
                "reads 'agreed 🤝 to share 情报'."
            ]
        },
    ),
    "quote counted in UTF-16": (
        # A client that counts the emoji as two units ends the span one character late.
        lambda d: d["tags"][1].update(end=32),
        {
            "tags[1].quote": [
                "The quote 'agreed 🤝 to share 情报' does not match paragraph 1 at 11-32, which "
                "reads 'agreed 🤝 to share 情报 '."
            ]
        },
    ),
    "end past the text": (
        lambda d: d["tags"][0].update(end=500),
        {"tags[0].end": ["end (500) is past the end of paragraph 0 (69 characters)."]},
    ),
    "start not before end": (
        lambda d: d["tags"][0].update(start=11),
        {"tags[0].start": ["start (11) must be less than end (11)."]},
    ),
    "negative start": (
        lambda d: d["tags"][0].update(start=-1),
        {"tags[0].start": ["This should be 0 or more, not -1."]},
    ),
    "offset as text": (
        lambda d: d["tags"][0].update(start="0"),
        {"tags[0].start": ["This should be a whole number, not a string."]},
    ),
    "offset as true": (
        lambda d: d["tags"][0].update(start=True),
        {"tags[0].start": ["This should be a whole number, not true/false."]},
    ),
    "no such paragraph": (
        lambda d: d["tags"][0].update(paragraph=7),
        {"tags[0].paragraph": ["There is no paragraph at position 7."]},
    ),
    "unknown kind": (
        lambda d: d["tags"][2].update(kind="rumour"),
        {"tags[2].kind": ["'rumour' is not one of: claim, evidence, opinion."]},
    ),
    "author missing": (
        lambda d: d["tags"][0].pop("author"),
        {"tags[0].author": ["This field is missing."]},
    ),
    "tag id twice": (
        lambda d: d["tags"][2].update(id=11),
        {
            "tags[2].id": ["Tag id 11 is also used by tags[0]."],
            # The links and reviews of tag 13 now point at nothing.
            "links[1].source": ["There is no tag with id 13 in this file."],
            "reviews[1].tag": ["There is no tag with id 13 in this file."],
        },
    ),
    "same span twice": (
        lambda d: d["tags"].append({**d["tags"][0], "id": 99}),
        {"tags[3]": ["tags[0] already tags this span with this kind by this author."]},
    ),
    "naive time": (
        lambda d: d["tags"][0].update(created_at="2024-05-01T09:30:00"),
        {
            "tags[0].created_at": [
                "'2024-05-01T09:30:00' needs a time zone, as in 2024-05-01T09:30:00+00:00."
            ]
        },
    ),
    "bad time": (
        lambda d: d["links"][0].update(updated_at="yesterday"),
        {"links[0].updated_at": ["'yesterday' is not an ISO 8601 time."]},
    ),
    "link to a missing tag": (
        lambda d: d["links"][0].update(target=404),
        {"links[0].target": ["There is no tag with id 404 in this file."]},
    ),
    "link to a refused tag": (
        lambda d: d["tags"][0].update(kind="rumour"),
        {"tags[0].kind": ["'rumour' is not one of: claim, evidence, opinion."]},
    ),
    "self-link": (
        lambda d: d["links"][0].update(target=12),
        {"links[0].target": ["A tag cannot support or attack itself."]},
    ),
    "unknown relation": (
        lambda d: d["links"][1].update(relation="refutes"),
        {"links[1].relation": ["'refutes' is not one of: supports, attacks, undercuts."]},
    ),
    "same link twice": (
        lambda d: d["links"].append({**d["links"][0], "id": 23}),
        {"links[2]": ["links[0] already makes this link by this author."]},
    ),
    "review of a missing tag": (
        lambda d: d["reviews"][0].update(tag=5),
        {"reviews[0].tag": ["There is no tag with id 5 in this file."]},
    ),
    "review of one's own tag": (
        lambda d: d["reviews"][0].update(reviewer="bob"),
        {"reviews[0].reviewer": ["bob wrote tag 12 and cannot review it."]},
    ),
    "unknown verdict": (
        lambda d: d["reviews"][1].update(verdict="maybe"),
        {"reviews[1].verdict": ["'maybe' is not one of: agree, disagree."]},
    ),
    "second review by the same reviewer": (
        lambda d: d["reviews"].append({**d["reviews"][0], "id": 33}),
        {"reviews[2]": ["reviews[0] is already this reviewer's review of this tag."]},
    ),
    "comment not text": (
        lambda d: d["reviews"][1].update(comment=["x"]),
        {"reviews[1].comment": ["This should be a string, not a list."]},
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_problem_is_named_by_its_place(case):
    edit, expected = case
    assert problems(changed(edit)) == expected


def _undercut_circle(d: dict) -> None:
    # 23 undercuts 25, which undercuts 23.
    d["links"][2].update(relation="undercuts", target=None, target_link=25)


MAP_CASES = {
    "implicit with a paragraph": (
        lambda d: d["tags"][5].update(paragraph=0, start=0),
        {
            "tags[5].paragraph": ["An implicit statement has no paragraph: leave it null or out."],
            "tags[5].start": ["An implicit statement has no start: leave it null or out."],
        },
    ),
    "implicit without text": (
        lambda d: d["tags"][5].update(quote=" \n"),
        {"tags[5].quote": ["An implicit statement needs its text in quote."]},
    ),
    "implicit not a flag": (
        lambda d: d["tags"][5].update(implicit="yes"),
        {"tags[5].implicit": ["This should be true or false, not a string."]},
    ),
    "no span and no flag": (
        lambda d: d["tags"][5].pop("implicit"),
        {
            f"tags[5].{key}": [
                "This should be a whole number, not null. An implicit statement (no span) says "
                '"implicit": true.'
            ]
            for key in ("paragraph", "start", "end")
        },
    ),
    "unknown status": (
        lambda d: d["tags"][0].update(status="gold"),
        {"tags[0].status": ["'gold' is not one of: pending, accepted, disputed, rejected."]},
    ),
    "undercut with a target tag": (
        lambda d: d["links"][4].update(target=11),
        {
            "links[4].target": [
                "An undercut attacks a link, not a tag: give target_link and leave target null."
            ]
        },
    ),
    "undercut without a target link": (
        lambda d: d["links"][4].update(target_link=None),
        {"links[4].target_link": ["An undercut needs target_link (a link id)."]},
    ),
    "support of a link": (
        lambda d: d["links"][2].update(target_link=21),
        {
            "links[2].target_link": [
                "A link that supports points at a tag: give target and leave target_link null "
                "(only an undercut targets a link)."
            ]
        },
    ),
    "attack without a target": (
        lambda d: d["links"][3].update(target=None),
        {"links[3].target": ["A link that attacks needs a target tag."]},
    ),
    "undercut of a missing link": (
        lambda d: d["links"][4].update(target_link=99),
        {"links[4].target_link": ["There is no link with id 99 in this file."]},
    ),
    "undercut of itself": (
        lambda d: d["links"][4].update(target_link=25),
        {"links[4].target_link": ["A link cannot undercut itself."]},
    ),
    "undercuts in a circle": (
        _undercut_circle,
        {
            "links[2].target_link": ["Links undercut each other in a circle: links[2], links[4]."],
            "links[4].target_link": ["Links undercut each other in a circle: links[4], links[2]."],
        },
    ),
    "undercut of a refused link": (
        # The refusal of link 23 is the news; its undercut is dropped without a word.
        lambda d: d["links"][2].update(relation="refutes"),
        {"links[2].relation": ["'refutes' is not one of: supports, attacks, undercuts."]},
    ),
    "same undercut twice": (
        lambda d: d["links"].append({**d["links"][4], "id": 26}),
        {"links[5]": ["links[4] already makes this undercut by this author."]},
    ),
    "group across targets": (
        lambda d: d["links"][3].update(group="meetings"),
        {
            "links[3].group": [
                "Group 'meetings' already joins premises that supports another target "
                "(links[0]); a linked argument has one target and one relation."
            ]
        },
    ),
    "premise twice in a group": (
        lambda d: d["links"].append({**d["links"][0], "id": 26, "author": "alice"}),
        {"links[5].group": ["Tag 12 is already a premise of group 'meetings'."]},
    ),
    "group too long": (
        lambda d: d["links"][0].update(group="g" * 65),
        {"links[0].group": ["A group name has at most 64 characters."]},
    ),
    "group not text": (
        lambda d: d["links"][0].update(group=1),
        {"links[0].group": ["This should be a string, not a number."]},
    ),
}


@pytest.mark.parametrize("case", MAP_CASES.values(), ids=MAP_CASES.keys())
def test_each_problem_of_a_map_is_named_by_its_place(case):
    edit, expected = case
    data = map_data()
    edit(data)
    assert problems(data) == expected


def test_every_problem_is_reported_at_once():
    def edit(data):
        data["document"]["title"] = ""
        data["tags"][0]["kind"] = "rumour"
        data["reviews"][1]["verdict"] = "maybe"

    assert set(problems(changed(edit))) == {"document.title", "tags[0].kind", "reviews[1].verdict"}


def test_a_flood_of_problems_is_cut_short():
    data = good_data()
    data["tags"] = [dict(copy.deepcopy(data["tags"][0]), id=i, kind="x") for i in range(200)]
    data["links"] = data["reviews"] = []
    found = problems(data)
    assert len(found) == MAX_ERRORS + 1
    assert found[NON_FIELD_ERRORS] == [
        f"Only the first {MAX_ERRORS} problems are listed; fix them and try again."
    ]


# --- Round trips of the argument map ----------------------------------------------------------


@given(map_snapshots())
def test_random_maps_survive_json_export_and_import(snapshot):
    assert load(json.loads(export("json", snapshot))) == as_imported(snapshot)


def shape(snapshot: DocumentSnapshot) -> dict:
    """Describe a snapshot's map without its ids or times: the statements, the arguments
    (relation, premises, target) and each link's group, author and note."""
    m = map_from_snapshot(snapshot)
    seen: Counter = Counter()
    key = {}
    for node in m.nodes:
        name = (node.kind, node.text, node.implicit, node.paragraph_position, node.start)
        seen[name] += 1
        key[node.id] = (*name, node.author, seen[name])

    def relabel(canon: tuple) -> tuple:
        relation, premises, target = canon
        target = ("node", key[target[1]]) if target[0] == "node" else relabel(target)
        return (relation, frozenset(key[p] for p in premises), target)

    links = {lk.id: lk for lk in snapshot.links}
    argument_of_edge = {e: a for a in m.arguments() for e in a.edge_ids}
    return {
        "statements": sorted(key.values(), key=repr),
        "arguments": {relabel(c) for c in map_arguments(m)},
        "links": sorted(
            (
                key[lk.source_id],
                lk.relation,
                lk.group,
                lk.author,
                lk.note,
                len(argument_of_edge[lk.id].edge_ids),
            )
            for lk in links.values()
        ),
    }


@pytest.mark.django_db
def test_a_map_survives_the_database():
    """json -> import -> export: implicit statements, undercuts and groups come back."""
    for name in ("alice", "bob", "carol"):
        UserFactory(username=name)
    snapshot = load(map_data())
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=snapshot)
    again = document_snapshot(result.document)
    assert shape(again) == shape(snapshot)
    data = json.loads(export("json", again))
    assert [t["implicit"] for t in data["tags"]] == [False] * 5 + [True]
    undercut = next(lk for lk in data["links"] if lk["relation"] == "undercuts")
    supported = next(lk for lk in data["links"] if lk["id"] == undercut["target_link"])
    assert (supported["source"], supported["target"]) == (
        data["tags"][0]["id"],
        data["tags"][2]["id"],
    )
    assert sorted(lk["group"] for lk in data["links"]) == ["", "", "", "meetings", "meetings"]


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    # Each example imports into a project of its own, so they can share the database.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshot=map_snapshots())
def test_random_maps_survive_the_database(snapshot):
    for name in ("alice", "bob", "zoë"):
        get_user_model().objects.get_or_create(username=name)
    parsed = load(json.loads(export("json", snapshot)))
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=parsed)
    assert shape(document_snapshot(result.document)) == shape(parsed)


@pytest.mark.parametrize(
    ("name", "version"), [("claim-annotator-project", 1), ("claim-annotator-backup", 2)]
)
def test_a_whole_project_file_is_named_as_such(name, version):
    with pytest.raises(ValidationError) as refused:
        JsonImporter().load_data({"format": name, "version": version, "documents": []})
    [message] = refused.value.message_dict["format"]
    assert f"This is a whole project ('{name}'), not one document's export" in message
