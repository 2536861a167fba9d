"""The load test's judges can fail: the ledger comparison and the answer classification."""

import datetime
import threading
import time

import pytest

from tests.load.ledger import Ledger, Row, compare, fields_of, invariants
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


# --- cross-user links: ann's tag 1 -> bob's tag 2, deleted by bob's cascades ----------------

T0 = 1_800_000_000.0  # a wall-clock time, seconds
CROSS = {**LINK, "author": "ann"}


def at(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(T0 + seconds, datetime.UTC)


TAG2_GONE = at(5)  # when bob deleted tag 2, taking link 8 along


def cross_told(removed: tuple[float, float] | None = None) -> Ledger:
    """ann made link 8 (version 1) and renamed it (version 2); bob's tag 2 then came and went."""
    ledger = Ledger()
    for key, data in ((("tag", 1), TAG), (("tag", 2), {**TAG, "author": "bob"})):
        ledger.write(key, 1, data, deleted=False)
        ledger.set_deleted(key, False)
    ledger.set_deleted(("tag", 2), True)  # bob deleted it: no fields, a version
    ledger.write(("tag", 2), 2, None, deleted=True)
    link = ("link", 8)
    ledger.write(link, 1, CROSS, deleted=False)
    ledger.write(link, 2, {**CROSS, "note": "renamed"}, deleted=False)
    ledger.cross_link(link, removed)
    return ledger


def cross_stored(link: Row | None = None) -> dict:
    """Tag 2 deleted at T0+5 took link 8 along (version 3), as its delete's cascade."""
    return {
        ("tag", 1): Row(1, fields_of("tag", TAG), False),
        ("tag", 2): Row(2, fields_of("tag", {**TAG, "author": "bob"}), True, TAG2_GONE),
        ("link", 8): link or Row(3, fields_of("link", {**CROSS, "note": "renamed"}), True, at(5)),
    }


def test_cross_user_link_deleted_with_its_end_passes() -> None:
    rows = cross_stored()
    assert compare(cross_told(), rows) == []
    assert invariants(rows) == []


def test_cross_user_link_live_after_cascades_passes() -> None:
    # bob restored tag 2: link 8 came back with it (version 4) and is live.
    ledger = cross_told()
    ledger.write(("tag", 2), 3, {**TAG, "author": "bob"}, deleted=False)
    ledger.set_deleted(("tag", 2), False)
    rows = {
        **cross_stored(Row(4, fields_of("link", {**CROSS, "note": "renamed"}), False)),
        ("tag", 2): Row(3, fields_of("tag", {**TAG, "author": "bob"}), False),
    }
    assert compare(ledger, rows) == []
    assert invariants(rows) == []


def test_cross_user_link_deleted_by_its_creator_passes() -> None:
    rows = cross_stored(Row(3, fields_of("link", {**CROSS, "note": "renamed"}), True, at(1.5)))
    assert compare(cross_told(removed=(T0 + 1, T0 + 2)), rows) == []


@pytest.mark.parametrize(
    ("removed", "link", "complaint"),
    [
        # The race: made while tag 2 was being deleted, missed by its cascade, left live.
        (None, Row(2, fields_of("link", {**CROSS, "note": "renamed"}), False), "tag 2 is deleted"),
        # A lost write: the database is older than an acknowledged answer.
        (None, Row(1, fields_of("link", CROSS), True, at(5)), "below version 2"),
        # A cascade may bump the version, never change the fields.
        (None, Row(3, fields_of("link", {**CROSS, "relation": "attacks"}), True, at(5)), "fields"),
        # Deleted, but neither by its creator nor with an end (tag 2 went at T0+5).
        (None, Row(3, fields_of("link", {**CROSS, "note": "renamed"}), True, at(7)), "neither end"),
        # Its creator's DELETE was acknowledged, yet it is live (restored with an end?).
        ((T0 + 1, T0 + 2), Row(4, fields_of("link", {**CROSS, "note": "renamed"}), False), "live"),
        # Deleted, but not by the acknowledged DELETE (at T0+1..2): by a cascade at T0+5.
        ((T0 + 1, T0 + 2), None, "not during its creator's DELETE"),
    ],
)
def test_wrong_cross_user_link_fails(removed, link, complaint: str) -> None:
    rows = cross_stored(link)
    problems = compare(cross_told(removed), rows) + invariants(rows)
    assert any(complaint in p for p in problems), problems


@pytest.mark.parametrize(
    ("rows", "complaint"),
    [
        # An own-tag link, exact in the ledger, is still held to the invariant on its own.
        (
            {
                ("tag", 1): Row(3, fields_of("tag", TAG), True, at(1)),
                ("tag", 2): Row(1, fields_of("tag", TAG), False),
                ("link", 7): Row(1, fields_of("link", LINK), False),
            },
            "link 7: live, but its tag 1 is deleted",
        ),
        # An undercut of a deleted link.
        (
            {
                ("tag", 1): Row(1, fields_of("tag", TAG), False),
                ("tag", 2): Row(1, fields_of("tag", TAG), False),
                ("tag", 3): Row(1, fields_of("tag", TAG), False),
                ("link", 7): Row(2, fields_of("link", LINK), True, at(1)),
                ("link", 9): Row(
                    1,
                    fields_of("link", {**LINK, "source": 3, "target": None}),
                    False,
                    None,
                    7,
                ),
            },
            "link 9: live, but its link 7 is deleted",
        ),
        # An end that is not there at all.
        ({("link", 7): Row(1, fields_of("link", LINK), False)}, "tag 1 is missing"),
    ],
)
def test_live_link_on_a_deleted_end_fails(rows: dict, complaint: str) -> None:
    assert any(complaint in p for p in invariants(rows)), invariants(rows)


def test_an_undercut_of_a_live_link_between_live_tags_passes() -> None:
    rows = {
        ("tag", 1): Row(1, fields_of("tag", TAG), False),
        ("tag", 2): Row(1, fields_of("tag", TAG), False),
        ("tag", 3): Row(2, fields_of("tag", TAG), True, at(1)),
        ("link", 7): Row(1, fields_of("link", LINK), False),
        ("link", 9): Row(
            1, fields_of("link", {**LINK, "source": 2, "target": None}), False, None, 7
        ),
        ("link", 10): Row(2, fields_of("link", {**LINK, "target": 3}), True, at(1)),
    }
    assert invariants(rows) == []


def test_linkers_wake_on_another_users_delete_only() -> None:
    world = World([], [])
    assert world.next_change("ann", 0.05) is None  # nothing announced
    heard = []
    waiter = threading.Thread(target=lambda: heard.append(world.next_change("ann", 5)))
    waiter.start()
    time.sleep(0.05)
    world.announce("delete", ("tag", 3), "ann")  # ann's own: not a cross-user target
    world.announce("delete", ("tag", 4), "bob")
    waiter.join(5)
    assert heard == [("delete", ("tag", 4))]


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
        # A cross-user link whose target was deleted while it was being made.
        (
            Answer(
                400,
                {},
                '{"target": ["Tag 4 was deleted while this link was being made; '
                'it does not exist any more."]}',
                None,
            ),
            ("target-gone",),
            "target-gone",
        ),
    ],
)
def test_answers_are_classified(answer: Answer, kinds: tuple, result: str) -> None:
    c = client()
    assert c.expect("op", answer, (200,), *kinds) == result
    if answer.status < 500:  # a 5xx is a problem already where it is received (Client.call)
        # Anything unexpected is a problem of the run; expected 4xx are only counted.
        assert bool(c.stats.problems) == (result == "unexpected")
