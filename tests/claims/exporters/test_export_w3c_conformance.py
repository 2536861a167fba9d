"""The w3c export passes every MUST assertion of the W3C Web Annotation conformance suite.

The suite's assertions are JSON Schema (draft-04) files listed by its ``*Musts.test`` files;
each carries the result it expects (``expectedResult``). They live in ``w3c_schemas/`` (copied
from ``../shared/w3c-annotation-schemas``; see the README there). The harness is first shown
to tell the suite's own correct samples from its incorrect ones, so a pass means something.
"""

import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.claims.exporters.test_export_formats import export, make_map_snapshot, make_snapshot
from tests.factories import MembershipFactory, ParagraphFactory, TagFactory

SCHEMAS = Path(__file__).resolve().parent / "w3c_schemas"

ANNOTATION_MUSTS = "annotations/annotationMusts.test"
COLLECTION_MUSTS = "collections/collectionMusts.test"
PAGE_MUSTS = "collections/pages/pageMusts.test"

#: Samples the suite calls correct that use Composite/List/Independents, which the final
#: Recommendation dropped; the schemas reject them (SOURCE.md, "Known quirks").
OUTDATED_SAMPLES = {"anno11.json", "anno12.json", "anno13.json"}


def _json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    # The definitions name themselves by bare file name ("id": "annotations.json"), and the
    # assertions refer to them that way ("annotations.json#/definitions/..."), so register
    # them under those names.
    return Registry().with_resources(
        (path.name, Resource.from_contents(_json(path), default_specification=DRAFT4))
        for path in sorted((SCHEMAS / "definitions").glob("*.json"))
    )


@cache
def _assertions(test: str) -> tuple[tuple[str, dict], ...]:
    listed = _json(SCHEMAS / test)["assertions"]
    return tuple((name, _json(SCHEMAS / name)) for name in listed)


def failed_musts(instance: object, test: str) -> dict[str, str]:
    """Run every assertion of a ``*Musts.test``; return {assertion: error} for those failed."""
    failures = {}
    for name, schema in _assertions(test):
        validator = Draft4Validator(
            schema, registry=_registry(), format_checker=Draft4Validator.FORMAT_CHECKER
        )
        expected_valid = schema["expectedResult"] == "valid"
        if validator.is_valid(instance) != expected_valid:
            failures[name] = schema["errorMessage"]
    return failures


def failed_collection_musts(collection: dict) -> dict[str, str]:
    """Run the collection MUSTs on the collection, the page MUSTs on it and on its page."""
    failures = failed_musts(collection, COLLECTION_MUSTS)
    # The page assertions take "an Annotation Collection with an embedded Page" ...
    failures |= failed_musts(collection, PAGE_MUSTS)
    # ... but read partOf only on a page itself. An embedded page shares the collection's
    # JSON-LD context, so it is checked with that context in place.
    if isinstance(collection.get("first"), dict):
        page = {"@context": collection.get("@context"), **collection["first"]}
        failures |= {f"first: {k}": v for k, v in failed_musts(page, PAGE_MUSTS).items()}
    return failures


# --- The harness ------------------------------------------------------------------------------


def test_the_schemas_check_formats():
    """Without format checkers, "format": "uri" and "date-time" would pass anything."""
    assert {"uri", "date-time"} <= set(Draft4Validator.FORMAT_CHECKER.checkers)


@pytest.mark.parametrize("test", [ANNOTATION_MUSTS, COLLECTION_MUSTS, PAGE_MUSTS])
def test_every_listed_assertion_is_a_must(test):
    assertions = _assertions(test)
    assert len(assertions) >= 10
    assert {schema["assertionType"] for _, schema in assertions} == {"must"}


def _samples(kind: str) -> list[Path]:
    return sorted((SCHEMAS / "samples" / kind).glob("*.json"))


@pytest.mark.parametrize(
    "path",
    [p for p in _samples("correct") if p.name.startswith("anno")],
    ids=lambda p: p.name,
)
def test_harness_passes_the_suites_correct_annotations(path):
    failures = failed_musts(_json(path), ANNOTATION_MUSTS)
    if path.name in OUTDATED_SAMPLES:
        assert set(failures) == {"annotations/3.2-targetObjectsRecognized.json"}
    else:
        assert failures == {}


def test_harness_passes_the_suites_correct_collection():
    assert failed_collection_musts(_json(SCHEMAS / "samples/correct/collection1.json")) == {}


def _parseable(path: Path) -> bool:
    try:
        _json(path)
    except ValueError:
        return False  # some incorrect samples are deliberately not JSON at all
    return True


@pytest.mark.parametrize(
    "path", [p for p in _samples("incorrect") if _parseable(p)], ids=lambda p: p.name
)
def test_harness_fails_the_suites_incorrect_annotations(path):
    assert failed_musts(_json(path), ANNOTATION_MUSTS) != {}


def test_harness_fails_a_page_whose_part_of_total_is_negative():
    collection = json.loads(export("w3c", make_snapshot()))
    collection["first"]["partOf"]["total"] = -1
    failures = failed_collection_musts(collection)
    assert "first: collections/pages/5.2-pageTotalValidated.json" in failures


def test_copies_still_equal_the_shared_originals(shared_dir):
    shared_schemas = shared_dir / "w3c-annotation-schemas"
    copies = [p for p in SCHEMAS.rglob("*") if p.is_file() and p.name != "README.md"]
    assert len(copies) > 100
    changed = [
        str(p.relative_to(SCHEMAS))
        for p in copies
        if p.read_bytes() != (shared_schemas / p.relative_to(SCHEMAS)).read_bytes()
    ]
    assert changed == []


# --- Our export -------------------------------------------------------------------------------


def test_each_annotation_passes_every_must():
    collection = json.loads(export("w3c", make_snapshot()))
    items = collection["first"]["items"]
    assert len(items) == 3
    failures = {item["id"]: failed_musts(item, ANNOTATION_MUSTS) for item in items}
    assert failures == {item["id"]: {} for item in items}


def test_an_implicit_statement_targeting_the_page_passes_every_must():
    collection = json.loads(export("w3c", make_map_snapshot()))
    items = collection["first"]["items"]
    assert any(isinstance(item["target"], str) for item in items)
    failures = {item["id"]: failed_musts(item, ANNOTATION_MUSTS) for item in items}
    assert failures == {item["id"]: {} for item in items}
    assert failed_collection_musts(collection) == {}


def test_the_collection_and_its_page_pass_every_must():
    collection = json.loads(export("w3c", make_snapshot()))
    assert failed_collection_musts(collection) == {}


def test_an_empty_collection_passes_the_collection_musts():
    collection = json.loads(export("w3c", make_snapshot(tags=(), links=(), reviews=())))
    assert failed_musts(collection, COLLECTION_MUSTS) == {}


@pytest.mark.django_db
def test_the_export_served_by_the_api_passes_every_must(client_for):
    membership = MembershipFactory(role="viewer")
    paragraph = ParagraphFactory(
        document__project=membership.project,
        position=0,
        text="Delhi\u00a0and 北京 shook hands 🤝 over <security> & trade.",
    )
    TagFactory(paragraph=paragraph, start=0, end=5, note="<p>A <em>place</em>.</p>")
    TagFactory(paragraph=paragraph, start=10, end=19, kind="evidence")
    response = client_for(membership.user).get(
        f"/api/documents/{paragraph.document_id}/export/?format=w3c"
    )
    assert response.status_code == 200
    collection = json.loads(response.getvalue())
    assert failed_collection_musts(collection) == {}
    items = collection["first"]["items"]
    assert len(items) == 2
    assert [failed_musts(item, ANNOTATION_MUSTS) for item in items] == [{}, {}]
