"""The json importer on its own (no database): good files load exactly, bad ones say why."""

import copy
import dataclasses
import io
import json

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from claims.exporters.base import UnknownFormat
from claims.importers import IMPORTERS, get_importer
from claims.importers.json_import import MAX_ERRORS, JsonImporter
from claims.snapshot import DocumentSnapshot
from tests.claims.test_export_formats import export, make_snapshot


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
    assert set(IMPORTERS) == {"json"}
    assert isinstance(get_importer("json"), JsonImporter)
    with pytest.raises(UnknownFormat, match="use one of: json"):
        get_importer("csv")


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
