"""The AIF importer on its own (no database): AIFdb and OVA files, anchoring, kinds, links,
what is skipped, and bad files refused by node or edge id."""

import copy
import datetime
import io
import json

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from claims.interchange.importers import get_importer
from claims.interchange.importers.aif_import import AifImporter
from claims.interchange.importers.source_text import ImportOptions, ParsedFile
from claims.snapshot import LinkRow, ParagraphRow

TEXT = (
    "Smoking should be banned in public places.\n"
    "Second-hand smoke harms people who do not smoke. Bars would lose customers.\n"
    "\n"
    "Fines work, and second-hand smoke harms people who do not smoke.\n"
)


def node(node_id: str, kind: str, text: str, **extra) -> dict:
    return {"nodeID": node_id, "text": text, "type": kind, "timestamp": "", **extra}


def aifdb() -> dict:
    """An AIFdb file: a linked argument, an attack, an undercut, and dialogue around them."""
    edges = [
        ("11", "20"),
        ("13", "20"),
        ("20", "10"),
        ("14", "21"),
        ("21", "10"),
        ("16", "23"),
        ("23", "20"),
        ("30", "31"),
        ("31", "10"),
        ("30", "32"),
        ("32", "33"),
        ("32", "34"),
        ("34", "20"),
        ("11", "35"),
        ("35", "14"),
    ]
    return {
        "nodes": [
            node(
                "10",
                "I",
                "Smoking should be banned in public places.",
                timestamp="2016-03-01 10:00:00",
            ),
            node("11", "I", "Second-hand smoke harms people who do not smoke."),
            node("13", "I", "Smoking is a choice that affects others."),
            node("14", "I", "Bars would lose customers."),
            node("16", "I", "Fines work"),
            node("20", "RA", "Default Inference", timestamp="2016-03-01 10:05:00"),
            node("21", "CA", "Default Conflict"),
            node("23", "CA", "Default Conflict"),
            node("30", "L", "Alice : Smoking should be banned in public places."),
            node("31", "YA", "Asserting"),
            node("32", "TA", "Default Transition"),
            node("33", "L", "Bob : Bars would lose customers."),
            node("34", "YA", "Arguing"),
            node("35", "MA", "Default Rephrase"),
        ],
        "edges": [
            {"edgeID": str(40 + i), "fromID": a, "toID": b, "formEdgeID": None}
            for i, (a, b) in enumerate(edges)
        ],
        "locutions": [{"nodeID": "30", "personID": "1", "timestamp": "2016-03-01 10:00:00"}],
    }


def with_numeric_ids(data: dict) -> dict:
    data = copy.deepcopy(data)
    for n in data["nodes"]:
        n["nodeID"] = int(n["nodeID"])
    for e in data["edges"]:
        e["edgeID"], e["fromID"], e["toID"] = int(e["edgeID"]), int(e["fromID"]), int(e["toID"])
    return data


def read(data: object, text: str | None = TEXT, **options) -> ParsedFile:
    options = {"title": "Smoking", "author": "alice", **options}
    source = io.StringIO(data if isinstance(data, str) else json.dumps(data))
    return AifImporter().read(source, ImportOptions(text=text, **options))


def problems(data: object, text: str | None = TEXT, **options) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        read(data, text, **options)
    return caught.value.message_dict


def tags_of(parsed: ParsedFile) -> list[tuple]:
    return [
        (t.id, t.paragraph_position, t.start, t.end, t.quote, t.kind, t.implicit)
        for t in parsed.snapshot.tags
    ]


def links_of(parsed: ParsedFile) -> list[tuple]:
    return [
        (lk.id, lk.source_id, lk.target_id, lk.target_link_id, lk.relation, lk.group)
        for lk in parsed.snapshot.links
    ]


SECOND_HAND = "Second-hand smoke harms people who do not smoke."
EXPECTED_TAGS = [
    (1, 0, 0, 42, "Smoking should be banned in public places.", "claim", False),
    (2, 1, 0, len(SECOND_HAND), SECOND_HAND, "evidence", False),
    (3, None, None, None, "Smoking is a choice that affects others.", "evidence", True),
    (4, 1, 49, 75, "Bars would lose customers.", "evidence", False),
    (5, 2, 0, 10, "Fines work", "evidence", False),
]
EXPECTED_LINKS = [
    (1, 2, 1, None, "supports", "RA 20"),
    (2, 3, 1, None, "supports", "RA 20"),
    (3, 4, 1, None, "attacks", ""),
    (4, 5, None, 1, "undercuts", ""),
]


def test_the_importer_is_registered():
    assert isinstance(get_importer("aif"), AifImporter)


def test_an_aifdb_file_becomes_tags_and_links():
    parsed = read(aifdb())
    snapshot = parsed.snapshot
    assert snapshot.title == "Smoking"
    # The blank line is left out; the lines are kept exactly.
    assert snapshot.paragraphs == (
        ParagraphRow(0, 0, "Smoking should be banned in public places."),
        ParagraphRow(1, 1, f"{SECOND_HAND} Bars would lose customers."),
        ParagraphRow(2, 2, "Fines work, and second-hand smoke harms people who do not smoke."),
    )
    assert tags_of(parsed) == EXPECTED_TAGS
    assert links_of(parsed) == EXPECTED_LINKS
    assert {t.author for t in snapshot.tags} | {lk.author for lk in snapshot.links} == {"alice"}
    for tag in snapshot.tags:
        if not tag.implicit:
            text = snapshot.paragraphs[tag.paragraph_position].text
            assert text[tag.start : tag.end] == tag.quote
            assert tag.prefix == text[max(0, tag.start - 32) : tag.start]
            assert tag.suffix == text[tag.end : tag.end + 32]


def test_times_come_from_the_timestamps():
    snapshot = read(aifdb()).snapshot
    utc = datetime.UTC
    assert snapshot.tags[0].created_at == datetime.datetime(2016, 3, 1, 10, 0, tzinfo=utc)
    assert snapshot.tags[1].created_at is None  # "" is no time
    assert {lk.created_at for lk in snapshot.links[:2]} == {
        datetime.datetime(2016, 3, 1, 10, 5, tzinfo=utc)
    }


def test_dialogue_nodes_and_their_edges_are_counted_with_the_reason():
    notes = read(aifdb()).notes
    skipped = {n.what: (n.ids, n.why) for n in notes.skipped}
    assert {what: ids for what, (ids, _) in skipped.items()} == {
        "L nodes": ("30", "33"),
        "YA nodes": ("31", "34"),
        "TA nodes": ("32",),
        "MA nodes": ("35",),
        "edges": tuple(str(i) for i in range(47, 55)),
    }
    assert "dialogue" in skipped["L nodes"][1]
    assert "rephrase" in skipped["MA nodes"][1]
    assert skipped["edges"][1] == "they join nodes that were skipped"
    [adjusted] = notes.adjusted
    assert adjusted.ids == ("13",)
    assert "became implicit statements" in adjusted.why
    assert notes.tag_places == ("node 10", "node 11", "node 13", "node 14", "node 16")
    assert notes.link_places == (
        "node 20 (premise 11)",
        "node 20 (premise 13)",
        "node 21 (premise 14)",
        "node 23 (premise 16)",
    )


def test_numeric_ids_read_the_same_as_string_ids():
    assert read(with_numeric_ids(aifdb())) == read(aifdb())


def ova(aif: dict, text: object) -> dict:
    """OVA's file: the AIF, OVA's own layout, and the analysed text."""
    layout = [{"nodeID": n["nodeID"], "visible": True, "x": 10, "y": 20} for n in aif["nodes"]]
    return {
        "AIF": {**aif, "participants": [], "schemefulfillments": []},
        "OVA": {"firstname": "A", "surname": "B", "url": "", "nodes": layout, "edges": []},
        "text": text,
    }


OVA_HTML = (
    'Smoking should be banned in <span class="highlighted" id="1">public places</span>.'
    "<br><br>Second-hand smoke harms people who do not smoke. Bars would lose customers."
    "<br><br>Fines work, and second-hand smoke harms people who do not smoke."
)


@pytest.mark.parametrize("ids", ["strings", "numbers"])
@pytest.mark.parametrize("text", [{"txt": OVA_HTML}, OVA_HTML], ids=["txt", "string"])
def test_an_ova_file_reads_with_its_own_text(ids, text):
    aif = aifdb() if ids == "strings" else with_numeric_ids(aifdb())
    parsed = read(ova(aif, text), text=None)
    assert tags_of(parsed) == EXPECTED_TAGS
    assert links_of(parsed) == EXPECTED_LINKS


def test_a_given_text_wins_over_ovas_text():
    parsed = read(ova(aifdb(), {"txt": "Something else entirely."}))
    assert tags_of(parsed) == EXPECTED_TAGS
    lower = {"aif": aifdb(), "text": "Something else."}
    assert tags_of(read(lower)) == EXPECTED_TAGS


def test_repeated_sentences_anchor_to_successive_occurrences():
    data = {
        "nodes": [
            node("1", "I", "second-hand smoke harms people who do not smoke"),
            node("2", "I", "Second-hand smoke harms people who do not smoke."),
            node("3", "I", "second-hand  smoke harms\npeople who do not smoke"),
            node("4", "I", "second-hand smoke harms people who do not smoke"),
        ],
        "edges": [],
    }
    parsed = read(data)
    assert tags_of(parsed) == [
        (1, 2, 16, 63, "second-hand smoke harms people who do not smoke", "claim", False),
        (2, 1, 0, len(SECOND_HAND), SECOND_HAND, "claim", False),
        # Only the spacing differs from the first: it takes the next occurrence, which has none.
        (3, None, None, None, "second-hand  smoke harms\npeople who do not smoke", "claim", True),
        (4, None, None, None, "second-hand smoke harms people who do not smoke", "claim", True),
    ]


def test_whitespace_may_differ_and_the_tag_quotes_the_text():
    data = {"nodes": [node("1", "I", "  Bars   would\tlose\ncustomers. ")], "edges": []}
    parsed = read(data)
    assert tags_of(parsed) == [(1, 1, 49, 75, "Bars would lose customers.", "claim", False)]
    [adjusted] = parsed.notes.adjusted
    assert (adjusted.what, adjusted.ids) == ("I-nodes", ("1",))
    assert "different spacing" in adjusted.why


def test_whole_words_are_preferred_to_a_match_inside_a_word():
    text = "Smokers smoke.\nWe smoke too.\n"
    data = {"nodes": [node("1", "I", "smoke"), node("2", "I", "moke")], "edges": []}
    parsed = read(data, text=text)
    # "smoke" inside "Smokers" is passed over; "moke" is only ever inside a word.
    assert tags_of(parsed) == [
        (1, 0, 8, 13, "smoke", "claim", False),
        (2, 0, 1, 5, "moke", "claim", False),
    ]
    assert [(n.ids, n.why) for n in parsed.notes.adjusted] == [
        (("2",), "their text was found only inside a longer word")
    ]


def test_our_own_kind_and_implicit_keys_are_used():
    data = aifdb()
    data["nodes"][0]["claimKind"] = "opinion"
    data["nodes"][1]["claimKind"] = "claim"
    data["nodes"][3]["implicit"] = True  # though its text occurs
    data["nodes"][4]["claimKind"] = "rumour"  # not a kind: the structure decides
    tags = tags_of(read(data))
    assert [t[5] for t in tags] == ["opinion", "claim", "evidence", "evidence", "evidence"]
    assert tags[3] == (4, None, None, None, "Bars would lose customers.", "evidence", True)


def test_a_conflict_with_a_conflict_undercuts_it_and_support_for_an_inference_is_skipped():
    data = {
        "nodes": [
            node("1", "I", "Smoking should be banned in public places."),
            node("2", "I", "Bars would lose customers."),
            node("3", "I", "Fines work"),
            node("4", "I", "Second-hand smoke harms people who do not smoke."),
            node("5", "CA", "Default Conflict"),
            node("6", "CA", "Default Conflict"),
            node("7", "RA", "Default Inference"),
            node("8", "CA", "Default Conflict"),
        ],
        "edges": [
            {"fromID": "2", "toID": "5"},
            {"fromID": "5", "toID": "1"},
            {"fromID": "3", "toID": "6"},
            {"fromID": "4", "toID": "6"},
            {"fromID": "6", "toID": "5"},
            {"fromID": "4", "toID": "7"},
            {"fromID": "7", "toID": "6"},
            {"fromID": "1", "toID": "8"},
            {"fromID": "8", "toID": "7"},
        ],
    }
    parsed = read(data)
    assert links_of(parsed) == [
        (1, 2, 1, None, "attacks", ""),
        (2, 3, None, 1, "undercuts", "CA 6"),
        (3, 4, None, 1, "undercuts", "CA 6"),
    ]
    assert [(n.what, n.ids) for n in parsed.notes.skipped] == [
        ("RA nodes", ("7",)),
        ("CA nodes", ("8",)),
    ]
    # Node 4 is a premise; node 1 attacks only something skipped, so it is a claim.
    assert [t.kind for t in parsed.snapshot.tags] == ["claim", "evidence", "evidence", "evidence"]


def undercuts_of_a_linked_argument(first: object, second: object) -> dict:
    """Nodes 2 and 3 together support 1 (RA 4); node 3 undercuts RA 4 twice, in CA 5 and CA 6,
    naming ``first`` and ``second`` as the premise whose link each attacks."""
    return {
        "nodes": [
            node("1", "I", "Smoking should be banned in public places."),
            node("2", "I", "Bars would lose customers."),
            node("3", "I", "Fines work"),
            node("4", "RA", "Default Inference"),
            node("5", "CA", "Default Conflict", targetPremise=first),
            node("6", "CA", "Default Conflict", targetPremise=second),
        ],
        "edges": [
            {"fromID": "2", "toID": "4"},
            {"fromID": "3", "toID": "4"},
            {"fromID": "4", "toID": "1"},
            {"fromID": "3", "toID": "5"},
            {"fromID": "5", "toID": "4"},
            {"fromID": "3", "toID": "6"},
            {"fromID": "6", "toID": "4"},
        ],
    }


@pytest.mark.parametrize(("first", "second"), [("2", "3"), (3, 2)])
def test_our_target_premise_key_picks_the_link_an_undercut_attacks(first, second):
    parsed = read(undercuts_of_a_linked_argument(first, second))
    link_of = {"2": 1, "3": 2}
    assert links_of(parsed) == [
        (1, 2, 1, None, "supports", "RA 4"),
        (2, 3, 1, None, "supports", "RA 4"),
        (3, 3, None, link_of[str(first)], "undercuts", ""),
        (4, 3, None, link_of[str(second)], "undercuts", ""),
    ]
    assert parsed.notes.adjusted == parsed.notes.skipped == ()


def test_a_target_premise_outside_the_argument_falls_back_to_its_first_link():
    parsed = read(undercuts_of_a_linked_argument("1", None))
    # CA 5 names a node that is no premise of RA 4; CA 6 names none. Both undercut the first
    # link, so CA 6 repeats CA 5.
    assert links_of(parsed)[2:] == [(3, 3, None, 1, "undercuts", "")]
    assert [(n.what, n.ids, n.why) for n in parsed.notes.adjusted] == [
        (
            "CA nodes",
            ("5",),
            "their targetPremise is not a premise of the argument they undercut, so they "
            "undercut its first link",
        ),
        (
            "CA nodes",
            ("6",),
            "they repeat an earlier argument (same premises, same conclusion) and were merged "
            "into it",
        ),
    ]


# With targetPremise, the undercut of the repeat finds the premise's link in the argument that
# the repeat was merged into.
@pytest.mark.parametrize("target_premise", [None, "2"])
def test_a_repeated_argument_is_merged_and_a_clashing_one_skipped(target_premise):
    data = {
        "nodes": [
            node("1", "I", "Smoking should be banned in public places."),
            node("2", "I", "Bars would lose customers."),
            node("3", "I", "Fines work"),
            node("4", "RA", "Default Inference"),
            node("5", "RA", "Argument From Consequences"),
            node("6", "RA", "Default Inference"),
            node("7", "CA", "Default Conflict", targetPremise=target_premise),
        ],
        "edges": [
            {"fromID": "2", "toID": "4"},
            {"fromID": "4", "toID": "1"},
            {"fromID": "2", "toID": "5"},
            {"fromID": "5", "toID": "1"},
            {"fromID": "2", "toID": "6"},
            {"fromID": "3", "toID": "6"},
            {"fromID": "6", "toID": "1"},
            {"fromID": "3", "toID": "7"},
            {"fromID": "7", "toID": "5"},
        ],
    }
    parsed = read(data)
    # RA 5 repeats RA 4, so the undercut of RA 5 attacks RA 4's link; RA 6 would repeat the
    # link 2 -> 1 inside a linked argument.
    assert links_of(parsed) == [(1, 2, 1, None, "supports", ""), (2, 3, None, 1, "undercuts", "")]
    assert [(n.what, n.ids) for n in parsed.notes.adjusted] == [("RA nodes", ("5",))]
    assert [(n.what, n.ids) for n in parsed.notes.skipped] == [("RA nodes", ("6",))]


def test_an_edge_given_twice_counts_once():
    data = {
        "nodes": [
            node("1", "I", "Smoking should be banned in public places."),
            node("2", "I", "Bars would lose customers."),
            node("3", "CA", "Default Conflict"),
        ],
        "edges": [
            {"edgeID": "a", "fromID": "2", "toID": "3"},
            {"edgeID": "b", "fromID": "2", "toID": "3"},
            {"edgeID": "c", "fromID": "3", "toID": "1"},
        ],
    }
    parsed = read(data)
    assert links_of(parsed) == [(1, 2, 1, None, "attacks", "")]
    assert [(n.what, n.ids) for n in parsed.notes.skipped] == [("edges", ("b",))]


# --- Bad files: refused by node or edge id ---------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{nodes", "This is not valid JSON: Expecting property name"),
        ("[]", "This is not AIF: expected an object with nodes and edges lists"),
        ('{"format": "claim-annotator"}', "This is not AIF: expected an object"),
        ("NaN", "This is not valid JSON: NaN is not a JSON number."),
    ],
    ids=["broken", "list", "our json", "nan"],
)
def test_a_file_that_is_not_aif(content, expected):
    [message] = problems(content)[NON_FIELD_ERRORS]
    assert message.startswith(expected)


def test_every_problem_is_named_by_node_or_edge_id():
    data = {
        "nodes": [
            node("1", "I", "Smoking should be banned in public places."),
            {"nodeID": 1, "text": "again", "type": "I"},
            node("2", "I", "   "),
            {"text": "no id", "type": "I"},
            {"nodeID": "3", "text": "no type"},
            node("4", "RA", "Default Inference"),
            node("5", "RA", "Default Inference"),
            node("6", "CA", "Default Conflict"),
            node("7", "I", "Bars would lose customers."),
            node("8", "RA", "Default Inference"),
            "not a node",
        ],
        "edges": [
            {"edgeID": 1, "fromID": "1", "toID": "4"},
            {"edgeID": 2, "fromID": "1", "toID": "7"},
            {"edgeID": 3, "fromID": "7", "toID": "99"},
            {"edgeID": 4, "fromID": "7", "toID": "5"},
            {"edgeID": 5, "fromID": "6", "toID": "1"},
            {"edgeID": 6, "fromID": "5", "toID": "1"},
            {"edgeID": 7, "fromID": "5", "toID": "7"},
            {"edgeID": 8, "fromID": "1", "toID": "8"},
            {"edgeID": 9, "fromID": "8", "toID": "1"},
            {"fromID": None, "toID": "1"},
        ],
    }
    assert problems(data) == {
        "node 1": ["Two nodes have this nodeID."],
        "node 2": ["This I-node has no text."],
        "nodes[3]": ["This node has no nodeID (a string or a number)."],
        "node 3": ["This node has no type (I, RA, CA, L, YA, TA, MA, PA...)."],
        "nodes[10]": ["A node should be an object, not a string."],
        "edge 2": [
            "This edge joins two I-nodes (1 -> 7); AIF puts an RA-node (support) or a CA-node "
            "(attack) between them."
        ],
        "edge 3": ["toID 99: there is no node with this id."],
        "edges[9]": ["fromID should be a node id, not null."],
        "node 4": [
            "An RA-node needs exactly one conclusion (an edge from it to an I-node or a scheme "
            "node); this one has none."
        ],
        "node 5": [
            "An RA-node needs exactly one conclusion (an edge from it to an I-node or a scheme "
            "node); this one has 2 (nodes 1, 7)."
        ],
        "node 6": ["This CA-node has no premise: no edge comes to it from an I-node."],
        "node 8": ["Node 1 is both a premise and the conclusion here."],
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"nodes": {}, "edges": []}, {"nodes": ["This should be a list of nodes, not an object."]}),
        ({"nodes": [], "edges": None}, {"edges": ["This should be a list of edges, not null."]}),
    ],
)
def test_nodes_and_edges_must_be_lists(data, expected):
    assert problems(data) == expected


def test_the_text_title_and_author_are_needed():
    assert problems(aifdb(), text=None, title=" ", author="") == {
        "title": ["Give the document a title."],
        "author": ["Name the person the imported tags and links belong to."],
        "text": [
            "An AIF file holds the statements but not the text they come from: give the "
            "source text."
        ],
    }
    assert problems(aifdb(), text="\n  \n") == {"text": ["The source text is empty."]}


def test_load_follows_the_importer_interface():
    importer = get_importer("aif")
    options = ImportOptions(text=TEXT, title="Smoking", author="alice")
    snapshot = importer.load(io.StringIO(json.dumps(aifdb())), options)
    assert [lk.relation for lk in snapshot.links] == [
        "supports",
        "supports",
        "attacks",
        "undercuts",
    ]
    assert isinstance(snapshot.links[0], LinkRow)
    with pytest.raises(ValidationError, match="Give the document a title"):
        importer.load(io.StringIO(json.dumps(aifdb())))
