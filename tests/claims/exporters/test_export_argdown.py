"""The argdown export: golden output, and what the official parser (@argdown/core) reads in it.

``argdown_check.mjs`` runs Argdown's parser and model plugins over export files and reports the
statements, arguments and relations it found. The tests turn that report back into our terms
(the arguments of the map: relation, premises and target) and compare it with the map. Node and
the package come from ``make node_modules``; a missing one fails the test rather than skip it.
"""

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import Argument, ArgumentMap
from claims.interchange.exporters.argdown_export import (
    argdown_text,
    escape,
    one_line,
    statement_titles,
)
from claims.snapshot import DocumentSnapshot
from tests.claims.exporters.test_export_formats import export, make_map_snapshot, map_snapshots

REPO = Path(__file__).resolve().parents[3]
CHECK = Path(__file__).resolve().parent / "argdown_check.mjs"
KINDS = {"claim", "evidence", "opinion"}

GOLDEN = """\
# India & China: a “breakthrough”

// An argument map exported by claim-annotator. Statements are the tags (#claim,
// #evidence, #opinion); #implicit marks a statement the author left unstated.

## Statements

[Claim: India China agreed to cooperate on]: India & China "agreed" to cooperate on internal \
security #claim

// Two meetings.
[Evidence: Officials met twice in April]: Officials met twice in April #evidence

[Opinion: It is a breakthrough]: It is a breakthrough #opinion

[Opinion: critics call it a photo opportunity]: critics call it a photo opportunity #opinion

[Opinion: agreements on paper are not results]: agreements on paper are not results #opinion

[Claim: Officials who meet twice in a]: Officials who meet twice in a month mean to agree. \
#claim #implicit

## Relations

[Opinion: It is a breakthrough]
  // Cheap shot.
  <- [Opinion: critics call it a photo opportunity]

<Support 23>
  <_ [Opinion: agreements on paper are not results]

## Arguments

<Support 21>

(1) [Evidence: Officials met twice in April]
(2) [Claim: Officials who meet twice in a]
----
(3) [Claim: India China agreed to cooperate on]

<Support 23>

(1) [Claim: India China agreed to cooperate on]
----
(2) [Opinion: It is a breakthrough]
"""


def test_argdown_export_matches_golden_output():
    assert export("argdown", make_map_snapshot()) == GOLDEN


def parse(texts: list[str], tmp_path: Path) -> list[dict]:
    """Run the official Argdown parser over each text; return what it reports for each."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to check the argdown export: run `make node_modules`.")
    if not (REPO / "node_modules" / "@argdown" / "core").is_dir():
        pytest.fail("@argdown/core is not installed: run `make node_modules`.")
    files = []
    for i, text in enumerate(texts):
        path = tmp_path / f"map-{i}.argdown"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(  # noqa: S603 (our own script on files we just wrote)
        [node, str(CHECK), *files], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


Canon = tuple  # (relation, premises, target): target is ("statement", title) or another Canon


def expected_arguments(m: ArgumentMap) -> set[Canon]:
    """Return the map's arguments as (relation, premise titles, target), targets by title."""
    titles = statement_titles(m.nodes)
    arguments = m.arguments()
    argument_of_edge = {e: a for a in arguments for e in a.edge_ids}

    def canon(argument: Argument) -> Canon:
        if argument.target_node is not None:
            target: tuple = ("statement", titles[argument.target_node])
        else:
            target = canon(argument_of_edge[argument.target_edge or 0])
        return (argument.relation, frozenset(titles[p] for p in argument.premises), target)

    return {canon(a) for a in arguments}


def found_arguments(report: dict) -> set[Canon]:
    """Read the parser's report back into (relation, premise titles, target)."""
    statements = report["statements"]

    def is_tag(title: str) -> bool:
        return bool(KINDS & set(statements[title]["tags"]))

    outgoing: dict[str, list[dict]] = {}
    for relation in report["relations"]:
        outgoing.setdefault(relation["from"]["title"], []).append(relation)
    relation_names = {"support": "supports", "attack": "attacks", "undercut": "undercuts"}

    def canon(title: str) -> Canon:
        pcs = report["arguments"][title]["pcs"]
        premises = frozenset(s["title"] for s in pcs if s["role"] == "premise")
        (conclusion,) = [s["title"] for s in pcs if s["role"] == "main-conclusion"]
        if is_tag(conclusion):
            return ("supports", premises, ("statement", conclusion))
        # An attack or undercut concludes a statement of its own that bears on the target.
        (relation,) = outgoing[conclusion]
        return (relation_names[relation["type"]], premises, target(relation["to"]))

    def target(end: dict) -> tuple:
        if end["type"] == "statement":
            return ("statement", end["title"])
        assert end["type"] == "inference", end
        return canon(end["title"])

    found = {canon(title) for title in report["arguments"]}
    for relation in report["relations"]:
        source = relation["from"]
        if source["type"] == "statement" and is_tag(source["title"]):
            name = relation_names[relation["type"]]
            found.add((name, frozenset({source["title"]}), target(relation["to"])))
    return found


def assert_parsed_as_the_map(report: dict, snapshot: DocumentSnapshot) -> None:
    assert (report["lexerErrors"], report["parserErrors"], report["exceptions"]) == ([], [], [])
    m = map_from_snapshot(snapshot)
    titles = statement_titles(m.nodes)
    tag_statements = {
        title: s for title, s in report["statements"].items() if KINDS & set(s["tags"])
    }
    expected = {}
    for node in m.nodes:
        tags = [node.kind, "implicit"] if node.implicit else [node.kind]
        suffix = " ".join(f"#{tag}" for tag in tags)
        text = f"{one_line(node.text)} {suffix}".strip()
        expected[titles[node.id]] = {"text": text, "tags": tags}
    assert tag_statements == expected
    assert found_arguments(report) == expected_arguments(m)


def test_the_official_parser_reads_the_map_back(tmp_path):
    snapshot = make_map_snapshot()
    (report,) = parse([argdown_text(snapshot)], tmp_path)
    assert_parsed_as_the_map(report, snapshot)
    assert found_arguments(report) == {
        ("attacks", frozenset({"Opinion: critics call it a photo opportunity"}), OPINION),
        (
            "supports",
            frozenset({"Evidence: Officials met twice in April", IMPLICIT}),
            ("statement", CLAIM),
        ),
        SUPPORT_23,
        ("undercuts", frozenset({"Opinion: agreements on paper are not results"}), SUPPORT_23),
    }


CLAIM = "Claim: India China agreed to cooperate on"
IMPLICIT = "Claim: Officials who meet twice in a"
OPINION = ("statement", "Opinion: It is a breakthrough")
SUPPORT_23 = ("supports", frozenset({CLAIM}), OPINION)


def test_the_comparison_notices_a_missing_relation(tmp_path):
    """Dropping the attack line from the file must make the comparison fail."""
    snapshot = make_map_snapshot()
    text = argdown_text(snapshot).replace(
        "  <- [Opinion: critics call it a photo opportunity]\n", ""
    )
    (report,) = parse([text], tmp_path)
    with pytest.raises(AssertionError):
        assert_parsed_as_the_map(report, snapshot)


def test_an_empty_map_is_still_an_argdown_document(tmp_path):
    snapshot = make_map_snapshot(tags=(), links=())
    text = argdown_text(snapshot)
    assert "## Statements" not in text
    (report,) = parse([text], tmp_path)
    assert (report["exceptions"], report["statements"], report["relations"]) == ([], {}, [])


def test_attacks_and_undercuts_of_linked_premises_become_arguments(tmp_path):
    snapshot = make_map_snapshot()
    links = list(snapshot.links)
    # 12 and 15 attack 13 together, and 14 undercuts that attack.
    links[0] = replace(links[0], target_id=13, relation="attacks")
    links[1] = replace(links[1], target_id=13, relation="attacks")
    links.append(replace(links[4], id=26, source_id=14, target_link_id=21))
    changed = make_map_snapshot(links=tuple(links))
    text = argdown_text(changed)
    assert "<Attack 21>" in text
    assert (
        "[Against Opinion: It is a breakthrough]: @[Opinion: It is a breakthrough] is not so."
        in text
    )
    assert "(3) [Against Attack 21]" not in text  # a one-premise undercut is a relation
    assert "<Attack 21>\n  <_ [Opinion: critics call it a photo opportunity]" in text
    (report,) = parse([text], tmp_path)
    assert_parsed_as_the_map(report, changed)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[a] <b> #c *d* _e_ {f} \\g", "\\[a] \\<b> \\#c \\*d\\* \\_e\\_ \\{f\\} \\\\g"),
        ("a // b /* c */ d/e", "a \\// b \\/\\* c \\*/ d/e"),
        (":smile: .A. 10:30:00 1.5", "\\:smile: \\.A. 10\\:30:00 1.5"),
        ("x === y == z", "x \\=\\=\\= y == z"),
        ("two\n lines\r\n here ", "two lines here"),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_titles_are_unique():
    m = map_from_snapshot(make_map_snapshot())
    twice = (*m.nodes[:2], replace(m.nodes[0], id=99))
    assert statement_titles(twice) == {
        11: "Claim: India China agreed to cooperate on (tag 11)",
        12: "Evidence: Officials met twice in April",
        99: "Claim: India China agreed to cooperate on (tag 99)",
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshot=map_snapshots())
def test_random_maps_parse_as_the_same_map(snapshot, tmp_path):
    (report,) = parse([argdown_text(snapshot)], tmp_path)
    assert_parsed_as_the_map(report, snapshot)
