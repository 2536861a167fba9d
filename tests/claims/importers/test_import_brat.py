"""brat standoff: the importer on its own (offsets, mappings, notes, what is skipped, bad files
refused by line number) and the exporter's golden output."""

import io

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from claims.interchange.exporters.brat_export import (
    BratExporter,
    BratTextExporter,
    brat_ann,
    brat_text,
)
from claims.interchange.importers import get_importer
from claims.interchange.importers.brat_import import BratImporter
from claims.interchange.importers.source_text import ImportOptions, ParsedFile
from claims.snapshot import LinkRow, ParagraphRow
from tests.claims.exporters.test_export_formats import make_snapshot
from tests.claims.importers.test_import_roundtrip import map_snapshot

# A persuasive essay as the Argument Annotated Essays corpus has them: a title line, a blank
# line, then paragraphs; a byte order mark and a no-break space, an emoji and CJK for offsets.
TXT = (
    "\ufeffCompetition or cooperation?\n"
    "\n"
    "We should teach children to cooperate.\u00a0Cooperation 🤝 builds trust.\n"
    "Competition drives 创新 in companies. But children learn teamwork from cooperation.\n"
)
MAPPING = "MajorClaim=claim,Claim=claim,Premise=evidence"


def at(phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """Return brat's offsets of a phrase in TXT (code points, the BOM counted)."""
    start = -1
    for _ in range(occurrence + 1):
        start = TXT.index(phrase, start + 1)
    return start, start + len(phrase)


def entity(ann_id: str, kind: str, phrase: str) -> str:
    start, end = at(phrase)
    return f"{ann_id}\t{kind} {start} {end}\t{phrase}"


ANN = "\r\n".join(
    [
        entity("T1", "MajorClaim", "We should teach children to cooperate."),
        entity("T2", "Premise", "Cooperation 🤝 builds trust"),
        entity("T3", "Claim", "Competition drives 创新 in companies"),
        entity("T4", "Premise", "children learn teamwork from cooperation"),
        "R1\tsupports Arg1:T2 Arg2:T1\t",
        "R2\tAttack Arg1:T3 Arg2:T1",
        "R3\tsupports Arg2:T1 Arg1:T4\t",
        "R4\tsupports Arg1:T2 Arg2:T1\t",
        "A1\tStance T3 Against",
        "#1\tAnnotatorNotes T2\tTrust <matters> & lasts",
        "#2\tAnnotatorNotes R2\tweak",
        "#3\tAnnotatorNotes T9\tnothing there",
        "#4\tReference T1\tsomething else",
        "",
    ]
)


def read(ann: str = ANN, text: str | None = TXT, **options) -> ParsedFile:
    options = {"title": "Essay", "author": "alice", "mapping": MAPPING, **options}
    return BratImporter().read(io.StringIO(ann), ImportOptions(text=text, **options))


def problems(ann: str = ANN, text: str | None = TXT, **options) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        read(ann, text, **options)
    return caught.value.message_dict


def test_the_importer_and_exporters_are_in_place():
    assert isinstance(get_importer("brat"), BratImporter)
    assert (BratExporter.name, BratExporter.extension) == ("brat", "ann")
    assert (BratTextExporter.name, BratTextExporter.extension) == ("brat-txt", "txt")


def test_an_ann_file_becomes_tags_and_links():
    parsed = read()
    snapshot = parsed.snapshot
    # Lines are paragraphs; the blank line and the byte order mark are left out.
    assert snapshot.paragraphs == (
        ParagraphRow(0, 0, "Competition or cooperation?"),
        ParagraphRow(1, 1, TXT.splitlines()[2]),
        ParagraphRow(2, 2, TXT.splitlines()[3]),
    )
    tags = [(t.paragraph_position, t.start, t.end, t.quote, t.kind) for t in snapshot.tags]
    line_1, line_2 = TXT.splitlines()[2], TXT.splitlines()[3]
    assert tags == [
        (1, 0, 38, "We should teach children to cooperate.", "claim"),
        (1, 39, 39 + 26, "Cooperation 🤝 builds trust", "evidence"),
        (2, 0, 34, "Competition drives 创新 in companies", "claim"),
        (2, line_2.index("children"), len(line_2) - 1, "children learn teamwork from cooperation",
         "evidence"),
    ]  # fmt: skip
    for tag in snapshot.tags:
        text = line_1 if tag.paragraph_position == 1 else line_2
        assert text[tag.start : tag.end] == tag.quote
        assert (tag.prefix, tag.suffix) == (
            text[max(0, tag.start - 32) : tag.start],
            text[tag.end : tag.end + 32],
        )
    assert [(lk.source_id, lk.target_id, lk.relation, lk.note) for lk in snapshot.links] == [
        (2, 1, "supports", ""),
        (3, 1, "attacks", "weak"),
        (4, 1, "supports", ""),  # Arg1 is the source, whichever comes first on the line
    ]
    assert snapshot.tags[1].note == "Trust &lt;matters&gt; &amp; lasts"
    assert {t.author for t in snapshot.tags} | {lk.author for lk in snapshot.links} == {"alice"}


def test_what_has_no_counterpart_is_counted_with_the_reason():
    notes = read().notes
    assert [(n.what, n.ids, n.why) for n in notes.skipped] == [
        ("attributes (A lines)", ("A1",), "attributes such as a stance have no counterpart here"),
        ("notes (# lines)", ("#4",), "only AnnotatorNotes are read"),
        (
            "notes (# lines)",
            ("line 12",),
            "they annotate something that is not an entity or a relation of this file",
        ),
        (
            "relations (R lines)",
            ("R4",),
            "they repeat an earlier relation between the same entities",
        ),
    ]
    assert notes.adjusted == ()
    assert notes.tag_places == ("line 1 (T1)", "line 2 (T2)", "line 3 (T3)", "line 4 (T4)")
    assert notes.link_places == ("line 5 (R1)", "line 6 (R2)", "line 7 (R3)")


def test_our_own_kind_names_need_no_mapping():
    ann = entity("T1", "claim", "We should teach children to cooperate.") + "\n"
    assert [t.kind for t in read(ann, mapping="").snapshot.tags] == ["claim"]
    # A mapping wins, even over our own names.
    assert [t.kind for t in read(ann, mapping="claim=opinion").snapshot.tags] == ["opinion"]


def test_a_relation_mapping_replaces_the_default():
    ann = "\n".join(
        [
            entity("T1", "Claim", "We should teach children to cooperate."),
            entity("T2", "Premise", "Cooperation 🤝 builds trust"),
            "R1\tbacks Arg1:T2 Arg2:T1",
        ]
    )
    links = read(ann, relation_mapping="backs=attacks").snapshot.links
    assert [lk.relation for lk in links] == ["attacks"]
    assert problems(ann)["line 3"] == [
        "R1 has type 'backs', which the relation mapping does not name; add backs=supports or "
        "backs=attacks to it."
    ]


def test_a_discontinuous_entity_in_one_line_becomes_its_hull():
    (s1, e1), (s2, e2) = at("We should"), at("cooperate.")
    ann = f"T1\tClaim {s1} {e1};{s2} {e2}\tWe should cooperate.\n"
    parsed = read(ann)
    [tag] = parsed.snapshot.tags
    assert tag.quote == "We should teach children to cooperate."
    assert [(n.what, n.ids) for n in parsed.notes.adjusted] == [("discontinuous entities", ("T1",))]


def test_an_entity_across_lines_is_refused():
    (s1, e1), (s2, e2) = at("builds trust."), at("Competition", 1)
    ann = f"T1\tClaim {s1} {e1};{s2} {e2}\tbuilds trust. Competition\nT2\tClaim {s1} {e2}\tx\n"
    assert problems(ann) == {
        "line 1": [
            f"T1 ({s1}-{e2}) does not lie within one line of the text; a tag stays within one "
            "paragraph (line)."
        ],
        "line 2": [f"T2: the text at {s1} {e2} reads 'builds trust.\\nCompetition', not 'x'."],
    }


def test_every_problem_is_named_by_line_number():
    start, end = at("We should teach children to cooperate.")
    ann = "\n".join(
        [
            f"T1\tClaim {start} {end}\tWe should teach children to cooperate.",  # 1: fine
            f"T1\tClaim {start} {end}\tWe should teach children to cooperate.",  # 2: id again
            f"T2\tClaim {start} {end}\tWe shall teach",  # 3: text does not match
            f"T3\tClaim {start}\tWe",  # 4: no end
            f"T4\tClaim {end} {start}\tWe",  # 5: start after end
            f"T5\tClaim {start} 9999\tWe",  # 6: past the end
            f"T6\tBacking {start} {end}\tWe should teach children to cooperate.",  # 7: unmapped
            f"T7\tMajorClaim {start} {end}\tWe should teach children to cooperate.",  # 8: twice
            f"T8\tClaim {start} {end}",  # 9: no text
            "R1\tsupports Arg1:T1 Arg2:T99",  # 10: missing entity
            "R2\tsupports Arg1:R1 Arg2:T1",  # 11: a relation, not an entity
            "R3\tsupports Arg1:T1 Arg2:T1",  # 12: to itself
            "R4\tsupports Arg1:T1",  # 13: one argument
            "X1\tsomething",  # 14: not a brat id
            "just words",  # 15: no tab
        ]
    )
    assert problems(ann, mapping=MAPPING) == {
        "line 2": ["T1 is also defined on line 1."],
        "line 3": [
            f"T2: the text at {start} {end} reads 'We should teach children to cooperate.', "
            "not 'We shall teach'."
        ],
        "line 4": [
            "T3: expected a type, then start and end offsets with start < end (fragments "
            "separated by ';'), as in T1<TAB>Claim 0 42<TAB>the text; found 'Claim 30'."
        ],
        "line 5": [
            "T4: expected a type, then start and end offsets with start < end (fragments "
            "separated by ';'), as in T1<TAB>Claim 0 42<TAB>the text; found 'Claim 68 30'."
        ],
        "line 6": [f"T5 ends at 9999, past the end of the text ({len(TXT)} characters)."],
        "line 7": [
            "T6 has type 'Backing', which the mapping does not name; add Backing=claim, "
            "Backing=evidence or Backing=opinion to it."
        ],
        "line 8": [
            "T7 has the same span as T1 (line 1) and both are claim; a span is tagged once per "
            "kind."
        ],
        "line 9": ["T8: the entity's text is missing (after a second tab)."],
        "line 10": ["R1: Arg2 T99 is not an entity of this file (missing)."],
        "line 11": ["R2: Arg1 R1 is not an entity of this file (a relation or other annotation)."],
        "line 12": ["R3 joins T1 to itself."],
        "line 13": [
            "R4: expected a type and two arguments, as in R1<TAB>supports Arg1:T2 Arg2:T1; "
            "found 'supports Arg1:T1'."
        ],
        "line 14": [
            "'X1' is not a brat annotation id: ids start with T (entity), R (relation), E, A, "
            "M, N, # or *."
        ],
        "line 15": [
            "This is not a brat standoff line: it should start with an id, a tab and the "
            "annotation, as in T1<TAB>Claim 0 42<TAB>the text."
        ],
    }


def test_a_text_with_windows_line_ends_gets_a_hint():
    ann = entity("T1", "Claim", "Competition drives 创新 in companies") + "\n"
    [message] = problems(ann, text=TXT.replace("\n", "\r\n"))["line 1"]
    assert message.endswith(
        "The text has Windows line ends (CR LF), which brat counts as two characters; if it "
        "was pasted into a form, send the .txt file itself."
    )


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ('{"nodes": [], "edges": []}', "This is not a brat standoff (.ann) file"),
        ("Just some text\nwith lines\n", "This is not a brat standoff (.ann) file"),
    ],
    ids=["json", "plain text"],
)
def test_a_file_that_is_not_brat(ann, message):
    [found] = problems(ann)[NON_FIELD_ERRORS]
    assert found.startswith(message)


def test_mappings_are_checked():
    assert problems(mapping="Claim=claim,Premise", relation_mapping="Support=undercuts") == {
        "mapping": ["'Premise' should be NAME=VALUE, as in Claim=claim."],
        "relation_mapping": ["Support=undercuts: 'undercuts' is not one of: supports, attacks."],
    }
    assert problems(mapping="Claim=claim, Claim = evidence") == {
        "mapping": ["Claim is mapped both to claim and evidence."]
    }


def test_the_text_title_and_author_are_needed():
    assert problems(text=None, title="", author="") == {
        "title": ["Give the document a title."],
        "author": ["Name the person the imported tags and links belong to."],
        "text": ["A brat .ann file needs its .txt: give the source text."],
    }
    assert problems("", text=" \n") == {"text": ["The source text is empty."]}


def test_an_empty_ann_file_gives_a_document_without_tags():
    parsed = read("")
    assert (len(parsed.snapshot.paragraphs), parsed.snapshot.tags) == (3, ())


# --- The exporter ------------------------------------------------------------------------------


def test_brat_export_golden_output():
    snapshot = make_snapshot()
    # P1 holds a line break inside the opinion's span: brat gets two fragments.
    assert brat_text(snapshot) == (
        "Cooperation on internal security is a breakhrough for both countries.\n"
        'Both sides\u00a0agreed 🤝 to share 情报 "quickly",\nand quietly.\n'
    )
    assert brat_ann(snapshot) == (
        "T1\tclaim 0 11\tCooperation\n"
        "T2\tevidence 81 101\tagreed 🤝 to share 情报\n"
        'T3\topinion 102 112;113 124\t"quickly", and quietly\n'
        "R1\tsupports Arg1:T2 Arg2:T1\t\n"
        "R2\tattacks Arg1:T3 Arg2:T2\t\n"
        "#1\tAnnotatorNotes T2\tSee this.\n"
        "#2\tAnnotatorNotes R2\tweak\n"
    )
    text = brat_text(snapshot)
    assert text[81:101] == "agreed 🤝 to share 情报"
    out = io.StringIO()
    BratExporter().export(snapshot, out)
    assert out.getvalue() == brat_ann(snapshot)


def test_brat_export_leaves_out_what_brat_cannot_hold():
    snapshot = map_snapshot()
    # The implicit statement, its links, and the undercuts are not written; links in a group
    # are written as plain relations.
    assert brat_ann(snapshot) == (
        "T1\tevidence 0 45\tIndia and China agreed to share intelligence.\n"
        "T2\tclaim 46 67\tCritics call it talk.\n"
        "R1\tsupports Arg1:T1 Arg2:T2\t\n"
    )
    assert isinstance(snapshot.links[0], LinkRow)
