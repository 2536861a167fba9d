"""The load test's judges can fail: the ledger comparison and the answer classification."""

import time

import pytest

from tests.load.ledger import Ledger, Row, compare, fields_of
from tests.load.workload import Answer, Client, Paragraph, World

TAG = {
    "paragraph": 3,
    "start": 0,
    "end": 5,
    "kind": "claim",
    "note": "n",
    "decision": "",
    "author": "ana",
}
LINK = {"source": 1, "target": 2, "relation": "supports", "group": "", "note": "", "author": "ana"}


def told() -> Ledger:
    """A tag created, edited by two clients (one lost with 412), deleted; a link cascaded."""
    ledger = Ledger()
    tag = ("tag", 1)
    ledger.write(tag, 1, TAG, deleted=False)
    ledger.write(tag, 2, {**TAG, "kind": "evidence"}, deleted=False)
    ledger.observe(tag, 2, {**TAG, "kind": "evidence"})
    ledger.write(tag, 3, None, deleted=True)
    ledger.set_deleted(tag, True)
    link = ("link", 7)
    ledger.write(link, 1, LINK, deleted=False)
    ledger.cascade(link)  # deleted with the tag
    ledger.set_deleted(link, True)
    return ledger


def stored() -> dict:
    return {
        ("tag", 1): Row(3, fields_of("tag", {**TAG, "kind": "evidence"}), True),
        ("link", 7): Row(2, fields_of("link", LINK), True),
    }


def test_matching_ledger_passes() -> None:
    assert compare(told(), stored()) == []


def test_merged_ledgers_of_several_clients_match() -> None:
    first, second = Ledger(), Ledger()
    first.write(("tag", 1), 1, TAG, deleted=False)
    first.set_deleted(("tag", 1), False)
    second.write(("tag", 1), 2, {**TAG, "note": "curated"}, deleted=False)
    first.merge(second)
    rows = {("tag", 1): Row(2, fields_of("tag", {**TAG, "note": "curated"}), False)}
    assert compare(first, rows) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        # A row nobody was told of (a write answered with an error, but applied).
        (lambda rows: rows.update({("review", 9): Row(1, ("x",) * 4, False)}), "no client"),
        # An acknowledged row that is gone.
        (lambda rows: rows.pop(("link", 7)), "not in the database"),
        # A lost update: the database kept an older version.
        (
            lambda rows: rows.update({("tag", 1): Row(2, rows["tag", 1].fields, True)}),
            "version 2 in the database, 3",
        ),
        # A write applied twice, or one never acknowledged.
        (
            lambda rows: rows.update({("link", 7): Row(3, rows["link", 7].fields, True)}),
            "version 3 in the database, 2",
        ),
        # The right version with the wrong content.
        (
            lambda rows: rows.update(
                {("tag", 1): Row(3, fields_of("tag", {**TAG, "kind": "opinion"}), True)}
            ),
            "fields differ",
        ),
        # A delete that did not happen.
        (
            lambda rows: rows.update({("tag", 1): Row(3, rows["tag", 1].fields, False)}),
            "deleted=False in the database",
        ),
        # A cascade that did not happen.
        (
            lambda rows: rows.update({("link", 7): Row(2, rows["link", 7].fields, False)}),
            "deleted=False in the database",
        ),
    ],
)
def test_wrong_database_fails(change, complaint: str) -> None:
    rows = stored()
    change(rows)
    problems = compare(told(), rows)
    assert problems
    assert any(complaint in p for p in problems), problems


def test_two_answers_for_one_version_must_agree() -> None:
    ledger = told()
    ledger.observe(("tag", 1), 2, {**TAG, "kind": "opinion"})  # a torn or lost write
    assert any("two answers for version 2 differ" in p for p in compare(ledger, stored()))


def test_a_version_the_database_never_reached_fails() -> None:
    ledger = told()
    ledger.observe(("link", 7), 5, LINK)
    assert any("told of version 5" in p for p in compare(ledger, stored()))


def test_row_without_an_account_of_deletion_fails() -> None:
    ledger = told()
    del ledger.deleted["link", 7]
    assert any("whether it is deleted" in p for p in compare(ledger, stored()))


def client() -> Client:
    world = World([Paragraph.of(1, "one two three")], [])
    return Client(0, "ana", "annotator", "t", ["http://127.0.0.1:1"], world, time.monotonic(), 1)


@pytest.mark.parametrize(
    ("answer", "kinds", "result"),
    [
        (Answer(200, {}, "{}", 2), (), "ok"),
        (Answer(412, {}, '{"detail": "changed"}', None), ("stale-version",), "stale-version"),
        (Answer(412, {}, "{}", None), ("gone",), "unexpected"),
        (Answer(403, {}, '{"detail": "no"}', None), ("stale-version", "gone"), "unexpected"),
        (
            Answer(400, {}, '{"kind": ["You already tagged this exact span"]}', None),
            ("duplicate",),
            "duplicate",
        ),
        (Answer(400, {}, '{"kind": ["not a valid choice"]}', None), ("duplicate",), "unexpected"),
        (Answer(500, None, "Server Error", None), ("gone",), "unexpected"),
    ],
)
def test_answers_are_classified(answer: Answer, kinds: tuple, result: str) -> None:
    c = client()
    assert c.expect("op", answer, (200,), *kinds) == result
    if answer.status < 500:  # a 5xx is a problem already where it is received (Client.call)
        # Anything unexpected is a problem of the run; expected 4xx are only counted.
        assert bool(c.stats.problems) == (result == "unexpected")
