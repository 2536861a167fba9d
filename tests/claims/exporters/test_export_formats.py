"""Golden-output tests of each exporter on a hand-built snapshot (no database)."""

import csv
import datetime
import io
import json

import pytest
from hypothesis import strategies as st

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import validate
from claims.interchange.exporters import EXPORTERS, UnknownFormat
from claims.interchange.exporters.aif_export import AifExporter
from claims.interchange.exporters.argdown_export import ArgdownExporter
from claims.interchange.exporters.brat_export import BratExporter, BratTextExporter
from claims.interchange.exporters.csv_export import CsvExporter
from claims.interchange.exporters.dot_export import DotExporter
from claims.interchange.exporters.graphml_export import GraphmlExporter
from claims.interchange.exporters.json_export import JsonExporter
from claims.interchange.exporters.svg_export import SvgExporter
from claims.interchange.exporters.w3c import W3CExporter
from claims.snapshot import DocumentSnapshot, LinkRow, ParagraphRow, ReviewRow, TagRow

UTC = datetime.UTC
P0 = "Cooperation on internal security is a breakhrough for both countries."
# A no-break space, an emoji outside the BMP, CJK, double quotes, a comma and a newline.
P1 = 'Both sides\u00a0agreed 🤝 to share 情报 "quickly",\nand quietly.'
NOTE = '<p>See <a href="https://e.org/r" rel="nofollow noopener">this</a>.</p>'


def _tag(tag_id: int, position: int, text: str, start: int, end: int, **fields) -> TagRow:
    return TagRow(
        id=tag_id,
        paragraph_id=100 + position,
        paragraph_position=position,
        start=start,
        end=end,
        quote=text[start:end],
        prefix=text[max(0, start - 32) : start],
        suffix=text[end : end + 32],
        **fields,
    )


def make_snapshot(**changes) -> DocumentSnapshot:
    """Return a small document: two paragraphs, three tags, two links, two reviews."""
    fields = {
        "id": 3,
        "title": "India & China: a “breakthrough”",
        "byline": "Swaran Singh",
        "caption": "Leaders meet.",
        "source_url": "https://example.org/oped",
        "published_on": datetime.date(2024, 4, 30),
        "page_url": "https://claims.example/documents/3/",
        "api_url": "https://claims.example/api/",
        "paragraphs": (
            ParagraphRow(id=100, position=0, text=P0),
            ParagraphRow(id=101, position=1, text=P1),
        ),
        "tags": (
            _tag(
                11,
                0,
                P0,
                0,
                11,
                kind="claim",
                note="",
                author="alice",
                created_at=datetime.datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
            ),
            _tag(
                12,
                1,
                P1,
                11,
                31,
                kind="evidence",
                note=NOTE,
                author="bob",
                created_at=datetime.datetime(2024, 5, 2, 10, 0, 0, 123456, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 3, 8, 15, tzinfo=UTC),
                agree=1,
            ),
            _tag(
                13,
                1,
                P1,
                32,
                54,
                kind="opinion",
                note="",
                author="alice",
                created_at=datetime.datetime(2024, 5, 4, 12, 0, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 4, 12, 0, tzinfo=UTC),
                disagree=1,
            ),
        ),
        "links": (
            LinkRow(
                id=21,
                source_id=12,
                target_id=11,
                relation="supports",
                note="",
                author="bob",
                created_at=datetime.datetime(2024, 5, 5, 7, 0, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 5, 7, 0, tzinfo=UTC),
            ),
            LinkRow(
                id=22,
                source_id=13,
                target_id=12,
                relation="attacks",
                note="<em>weak</em>",
                author="alice",
                created_at=datetime.datetime(2024, 5, 5, 8, 0, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 5, 8, 0, tzinfo=UTC),
            ),
        ),
        "reviews": (
            ReviewRow(
                id=31,
                tag_id=12,
                reviewer="alice",
                verdict="agree",
                comment="",
                created_at=datetime.datetime(2024, 5, 6, 9, 0, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 6, 9, 0, tzinfo=UTC),
            ),
            ReviewRow(
                id=32,
                tag_id=13,
                reviewer="bob",
                verdict="disagree",
                comment="Not an opinion.",
                created_at=datetime.datetime(2024, 5, 6, 10, 0, tzinfo=UTC),
                updated_at=datetime.datetime(2024, 5, 7, 10, 0, tzinfo=UTC),
            ),
        ),
    }
    fields.update(changes)
    return DocumentSnapshot(**fields)


def export(name: str, snapshot: DocumentSnapshot) -> str:
    out = io.StringIO()
    EXPORTERS[name].export(snapshot, out)
    return out.getvalue()


GOLDEN_JSON = r"""{
  "format": "claim-annotator",
  "version": 1,
  "document": {
    "title": "India & China: a “breakthrough”",
    "byline": "Swaran Singh",
    "caption": "Leaders meet.",
    "source_url": "https://example.org/oped",
    "published_on": "2024-04-30"
  },
  "paragraphs": [
    {
      "position": 0,
      "text": "Cooperation on internal security is a breakhrough for both countries."
    },
    {
      "position": 1,
      "text": "Both sides<NBSP>agreed 🤝 to share 情报 \"quickly\",\nand quietly."
    }
  ],
  "tags": [
    {
      "id": 11,
      "paragraph": 0,
      "start": 0,
      "end": 11,
      "implicit": false,
      "quote": "Cooperation",
      "prefix": "",
      "suffix": " on internal security is a break",
      "kind": "claim",
      "note": "",
      "author": "alice",
      "status": "pending",
      "created_at": "2024-05-01T09:30:00+00:00",
      "updated_at": "2024-05-01T09:30:00+00:00"
    },
    {
      "id": 12,
      "paragraph": 1,
      "start": 11,
      "end": 31,
      "implicit": false,
      "quote": "agreed 🤝 to share 情报",
      "prefix": "Both sides<NBSP>",
      "suffix": " \"quickly\",\nand quietly.",
      "kind": "evidence",
      "note": "<p>See <a href=\"https://e.org/r\" rel=\"nofollow noopener\">this</a>.</p>",
      "author": "bob",
      "status": "pending",
      "created_at": "2024-05-02T10:00:00.123456+00:00",
      "updated_at": "2024-05-03T08:15:00+00:00"
    },
    {
      "id": 13,
      "paragraph": 1,
      "start": 32,
      "end": 54,
      "implicit": false,
      "quote": "\"quickly\",\nand quietly",
      "prefix": "Both sides<NBSP>agreed 🤝 to share 情报 ",
      "suffix": ".",
      "kind": "opinion",
      "note": "",
      "author": "alice",
      "status": "pending",
      "created_at": "2024-05-04T12:00:00+00:00",
      "updated_at": "2024-05-04T12:00:00+00:00"
    }
  ],
  "links": [
    {
      "id": 21,
      "source": 12,
      "target": 11,
      "target_link": null,
      "relation": "supports",
      "group": "",
      "note": "",
      "author": "bob",
      "created_at": "2024-05-05T07:00:00+00:00",
      "updated_at": "2024-05-05T07:00:00+00:00"
    },
    {
      "id": 22,
      "source": 13,
      "target": 12,
      "target_link": null,
      "relation": "attacks",
      "group": "",
      "note": "<em>weak</em>",
      "author": "alice",
      "created_at": "2024-05-05T08:00:00+00:00",
      "updated_at": "2024-05-05T08:00:00+00:00"
    }
  ],
  "reviews": [
    {
      "id": 31,
      "tag": 12,
      "reviewer": "alice",
      "verdict": "agree",
      "comment": "",
      "created_at": "2024-05-06T09:00:00+00:00",
      "updated_at": "2024-05-06T09:00:00+00:00"
    },
    {
      "id": 32,
      "tag": 13,
      "reviewer": "bob",
      "verdict": "disagree",
      "comment": "Not an opinion.",
      "created_at": "2024-05-06T10:00:00+00:00",
      "updated_at": "2024-05-07T10:00:00+00:00"
    }
  ]
}
""".replace("<NBSP>", "\u00a0")


def test_json_export_matches_golden_output():
    assert export("json", make_snapshot()) == GOLDEN_JSON


def test_json_export_writes_characters_unescaped():
    text = export("json", make_snapshot())
    assert "\u00a0" in text
    assert "🤝" in text
    assert "情报" in text
    assert "\\u" not in text


GOLDEN_CSV = (
    "id,document,paragraph,start,end,implicit,kind,quote,prefix,suffix,note,author,created_at,"
    "updated_at,agree,disagree,status\r\n"
    "11,3,0,0,11,false,claim,Cooperation,, on internal security is a break,,alice,"
    "2024-05-01T09:30:00+00:00,2024-05-01T09:30:00+00:00,0,0,pending\r\n"
    "12,3,1,11,31,false,evidence,agreed 🤝 to share 情报,Both sides\u00a0,"
    '" ""quickly"",\nand quietly.",'
    '"<p>See <a href=""https://e.org/r"" rel=""nofollow noopener"">this</a>.</p>",'
    "bob,2024-05-02T10:00:00.123456+00:00,2024-05-03T08:15:00+00:00,1,0,pending\r\n"
    '13,3,1,32,54,false,opinion,"""quickly"",\nand quietly",'
    "Both sides\u00a0agreed 🤝 to share 情报 ,.,,"
    "alice,2024-05-04T12:00:00+00:00,2024-05-04T12:00:00+00:00,0,1,pending\r\n"
)


def test_csv_export_matches_golden_output():
    assert export("csv", make_snapshot()) == GOLDEN_CSV


def test_csv_export_reads_back_cell_for_cell():
    rows = list(csv.DictReader(io.StringIO(export("csv", make_snapshot()), newline="")))
    assert [row["id"] for row in rows] == ["11", "12", "13"]
    assert rows[2]["quote"] == '"quickly",\nand quietly'
    assert rows[1]["prefix"] == "Both sides\u00a0"
    assert rows[1]["note"] == NOTE


def test_csv_export_of_no_tags_is_the_header_alone():
    text = export("csv", make_snapshot(tags=(), links=(), reviews=()))
    assert text.count("\r\n") == 1
    assert text.startswith("id,document,paragraph,")


def _annotation(tag_id: int, created: str, modified: str, body: list, target: dict) -> dict:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"https://claims.example/api/tags/{tag_id}/",
        "type": "Annotation",
        "motivation": "classifying",
        "creator": {"type": "Person", "nickname": "bob" if tag_id == 12 else "alice"},
        "created": created,
        "modified": modified,
        "body": body,
        "target": target,
    }


def _target(position: int, quote: dict, start: int, end: int) -> dict:
    return {
        "type": "SpecificResource",
        "source": "https://claims.example/documents/3/",
        "selector": [
            {"type": "CssSelector", "value": f"#p-{position}", "refinedBy": quote},
            {
                "type": "CssSelector",
                "value": f"#p-{position}",
                "refinedBy": {"type": "TextPositionSelector", "start": start, "end": end},
            },
        ],
    }


def _classifying(kind: str) -> dict:
    return {"type": "TextualBody", "purpose": "classifying", "value": kind}


COLLECTION_ID = "https://claims.example/api/documents/3/export/?format=w3c"
GOLDEN_W3C = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "id": COLLECTION_ID,
    "type": "AnnotationCollection",
    "label": "India & China: a “breakthrough”",
    "total": 3,
    "first": {
        "id": COLLECTION_ID + "#page-1",
        "type": "AnnotationPage",
        "partOf": {"id": COLLECTION_ID, "label": "India & China: a “breakthrough”", "total": 3},
        "startIndex": 0,
        "items": [
            _annotation(
                11,
                "2024-05-01T09:30:00Z",
                "2024-05-01T09:30:00Z",
                [_classifying("claim")],
                _target(
                    0,
                    {
                        "type": "TextQuoteSelector",
                        "exact": "Cooperation",
                        "suffix": " on internal security is a break",
                    },
                    0,
                    11,
                ),
            ),
            _annotation(
                12,
                "2024-05-02T10:00:00.123456Z",
                "2024-05-03T08:15:00Z",
                [
                    _classifying("evidence"),
                    {
                        "type": "TextualBody",
                        "purpose": "commenting",
                        "value": NOTE,
                        "format": "text/html",
                    },
                ],
                _target(
                    1,
                    {
                        "type": "TextQuoteSelector",
                        "exact": "agreed 🤝 to share 情报",
                        "prefix": "Both sides\u00a0",
                        "suffix": ' "quickly",\nand quietly.',
                    },
                    11,
                    31,
                ),
            ),
            _annotation(
                13,
                "2024-05-04T12:00:00Z",
                "2024-05-04T12:00:00Z",
                [_classifying("opinion")],
                _target(
                    1,
                    {
                        "type": "TextQuoteSelector",
                        "exact": '"quickly",\nand quietly',
                        "prefix": "Both sides\u00a0agreed 🤝 to share 情报 ",
                        "suffix": ".",
                    },
                    32,
                    54,
                ),
            ),
        ],
    },
}


def test_w3c_export_matches_golden_output():
    text = export("w3c", make_snapshot())
    assert json.loads(text) == GOLDEN_W3C
    assert "🤝" in text  # written as UTF-8, not escaped


def test_w3c_export_offsets_are_code_points():
    """The emoji before the CJK counts as one, though UTF-16 (JavaScript) counts it as two."""
    collection = json.loads(export("w3c", make_snapshot()))
    for item in collection["first"]["items"]:
        quote, position = (s["refinedBy"] for s in item["target"]["selector"])
        paragraph = int(item["target"]["selector"][0]["value"].removeprefix("#p-"))
        text = (P0, P1)[paragraph]
        assert text[position["start"] : position["end"]] == quote["exact"]


def test_w3c_export_of_no_tags_has_no_page():
    collection = json.loads(export("w3c", make_snapshot(tags=(), links=(), reviews=())))
    assert collection["total"] == 0
    assert "first" not in collection


@pytest.mark.parametrize(
    "changes", [{"api_url": ""}, {"page_url": ""}, {"id": None}], ids=["api", "page", "id"]
)
def test_w3c_export_refuses_to_invent_iris(changes):
    with pytest.raises(ValueError, match="absolute"):
        export("w3c", make_snapshot(**changes))


def test_registry_holds_each_format_once_with_its_media_type():
    assert {name: type(e) for name, e in EXPORTERS.items()} == {
        "json": JsonExporter,
        "w3c": W3CExporter,
        "csv": CsvExporter,
        "aif": AifExporter,
        "argdown": ArgdownExporter,
        "graphml": GraphmlExporter,
        "dot": DotExporter,
        "svg": SvgExporter,
        "brat": BratExporter,
        "brat-txt": BratTextExporter,
    }
    assert next(iter(EXPORTERS)) == "json"  # the default
    assert {name: (e.media_type, e.extension) for name, e in EXPORTERS.items()} == {
        "json": ("application/json", "json"),
        "w3c": ('application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"', "jsonld"),
        "csv": ("text/csv", "csv"),
        "aif": ('application/json; profile="http://www.arg.dundee.ac.uk/aif"', "json"),
        "argdown": ("text/plain", "argdown"),
        "graphml": ("application/graphml+xml", "graphml"),
        "dot": ("text/vnd.graphviz", "dot"),
        "svg": ("image/svg+xml", "svg"),
        "brat": (BratExporter.media_type, "ann"),
        "brat-txt": (BratTextExporter.media_type, "txt"),
    }


def test_unknown_format_names_the_known_ones():
    known = "aif, argdown, brat, brat-txt, csv, dot, graphml, json, svg, w3c"
    unknown = UnknownFormat("xml", list(EXPORTERS))
    assert str(unknown) == f"Unknown format 'xml'; use one of: {known}."
    assert isinstance(unknown, ValueError)
    assert unknown.known == known.split(", ")


# --- The argument map --------------------------------------------------------------------------

M0 = 'India & China "agreed" to cooperate on internal security. Officials met twice in April.'
M1 = (
    "It is a breakthrough, says the author; critics call it a photo opportunity, "
    "and agreements on paper are not results."
)


def _at(moment: int) -> datetime.datetime:
    return datetime.datetime(2024, 5, 1, 9, moment, tzinfo=UTC)


def _map_tag(tag_id: int, position: int, quote: str, **fields) -> TagRow:
    text = (M0, M1)[position]
    start = text.index(quote)
    return _tag(
        tag_id,
        position,
        text,
        start,
        start + len(quote),
        created_at=_at(tag_id),
        updated_at=_at(tag_id),
        **fields,
    )


def make_map_snapshot(**changes) -> DocumentSnapshot:
    """Return a small argument map: a claim, evidence, opinions, an implicit statement, a linked
    argument of two premises (21, 22), a support (23), an attack (24) and an undercut of the
    support (25)."""
    fields = {
        "id": 4,
        "title": "India & China: a “breakthrough”",
        "page_url": "https://claims.example/documents/4/",
        "api_url": "https://claims.example/api/",
        "paragraphs": (
            ParagraphRow(id=100, position=0, text=M0),
            ParagraphRow(id=101, position=1, text=M1),
        ),
        "tags": (
            _map_tag(
                11,
                0,
                'India & China "agreed" to cooperate on internal security',
                kind="claim",
                note="",
                author="alice",
                status="accepted",
            ),
            _map_tag(
                12,
                0,
                "Officials met twice in April",
                kind="evidence",
                note="<p>Two <em>meetings</em>.</p>",
                author="bob",
                status="accepted",
            ),
            _map_tag(
                13,
                1,
                "It is a breakthrough",
                kind="opinion",
                note="",
                author="alice",
                status="disputed",
            ),
            _map_tag(
                14,
                1,
                "critics call it a photo opportunity",
                kind="opinion",
                note="",
                author="bob",
            ),
            _map_tag(
                16,
                1,
                "agreements on paper are not results",
                kind="opinion",
                note="",
                author="carol",
            ),
            TagRow(
                id=15,
                paragraph_id=None,
                paragraph_position=None,
                start=None,
                end=None,
                quote="Officials who meet twice in a month mean to agree.",
                prefix="",
                suffix="",
                kind="claim",
                note="",
                author="bob",
                created_at=_at(15),
                updated_at=_at(15),
            ),
        ),
        "links": (
            LinkRow(
                id=21,
                source_id=12,
                target_id=11,
                relation="supports",
                note="",
                author="bob",
                group="meetings",
                created_at=_at(21),
                updated_at=_at(21),
            ),
            LinkRow(
                id=22,
                source_id=15,
                target_id=11,
                relation="supports",
                note="",
                author="bob",
                group="meetings",
                created_at=_at(22),
                updated_at=_at(22),
            ),
            LinkRow(
                id=23,
                source_id=11,
                target_id=13,
                relation="supports",
                note="",
                author="alice",
                created_at=_at(23),
                updated_at=_at(23),
            ),
            LinkRow(
                id=24,
                source_id=14,
                target_id=13,
                relation="attacks",
                note="<p>Cheap shot.</p>",
                author="bob",
                created_at=_at(24),
                updated_at=_at(24),
            ),
            LinkRow(
                id=25,
                source_id=16,
                target_id=None,
                target_link_id=23,
                relation="undercuts",
                note="",
                author="carol",
                created_at=_at(25),
                updated_at=_at(25),
            ),
        ),
        "reviews": (),
    }
    fields.update(changes)
    return DocumentSnapshot(**fields)


IMPLICIT = "Officials who meet twice in a month mean to agree."


def test_json_export_writes_implicit_statements_undercuts_and_groups():
    data = json.loads(export("json", make_map_snapshot()))
    implicit = next(t for t in data["tags"] if t["id"] == 15)
    assert implicit["implicit"] is True
    assert (implicit["paragraph"], implicit["start"], implicit["end"]) == (None, None, None)
    assert (implicit["quote"], implicit["prefix"], implicit["suffix"]) == (IMPLICIT, "", "")
    assert [t["implicit"] for t in data["tags"]] == [False] * 5 + [True]
    assert [t["status"] for t in data["tags"]][:3] == ["accepted", "accepted", "disputed"]
    links = {lk["id"]: lk for lk in data["links"]}
    assert {k: links[25][k] for k in ("source", "target", "target_link", "relation")} == {
        "source": 16,
        "target": None,
        "target_link": 23,
        "relation": "undercuts",
    }
    assert [links[i]["group"] for i in (21, 22, 23)] == ["meetings", "meetings", ""]
    assert links[23]["target_link"] is None


def test_csv_export_leaves_the_offsets_of_an_implicit_statement_blank():
    rows = list(csv.DictReader(io.StringIO(export("csv", make_map_snapshot()), newline="")))
    implicit = rows[-1]
    assert implicit["id"] == "15"
    assert (implicit["paragraph"], implicit["start"], implicit["end"]) == ("", "", "")
    assert (implicit["implicit"], implicit["quote"]) == ("true", IMPLICIT)
    assert [r["implicit"] for r in rows[:-1]] == ["false"] * 5
    assert [r["status"] for r in rows] == [
        "accepted",
        "accepted",
        "disputed",
        "pending",
        "pending",
        "pending",
    ]


def test_w3c_export_targets_the_page_for_an_implicit_statement():
    items = json.loads(export("w3c", make_map_snapshot()))["first"]["items"]
    implicit = items[-1]
    assert implicit["id"] == "https://claims.example/api/tags/15/"
    assert implicit["target"] == "https://claims.example/documents/4/"
    assert implicit["body"] == [
        {"type": "TextualBody", "purpose": "classifying", "value": "claim"},
        {"type": "TextualBody", "purpose": "describing", "value": IMPLICIT},
    ]
    assert all(item["target"]["type"] == "SpecificResource" for item in items[:-1])


# --- Random argument maps ----------------------------------------------------------------------

#: Text that markup, quoting and XML have to survive, drawn often.
NASTY = (
    'a [b] <c> #d *e* _f_ {g: 1} \\h //i /*j*/ :smile: .A. 10:30:00 === "q" & <!-- x -->',
    "@[x] @<y> -> +> <- (1) ---- -- _> <_",
    "line\r\nbreak\u2028and\ttab",
    "\x01\x1fcontrol\x7f",
    "🤝 情报 e\u0301 \u00a0",
    "end\\",
    "...",
    " ",
)
map_texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30),
).filter(lambda text: text != "")


@st.composite
def map_snapshots(draw, max_tags: int = 7, max_links: int = 9) -> DocumentSnapshot:
    """Draw a document's argument map: tags on passages or implicit, supports and attacks,
    linked arguments (groups) and undercuts, by the model's rules, so that the json importer
    takes it too (passages quote their paragraph; no link is made twice)."""
    paragraph = "Text:"
    drawn = []
    for i in range(draw(st.integers(0, max_tags))):
        implicit = draw(st.booleans())
        quote = draw(map_texts.filter(str.strip) if implicit else map_texts)
        span = None
        if not implicit:
            paragraph += " "
            span = (len(paragraph), len(paragraph) + len(quote))
            paragraph += quote
        drawn.append((i, quote, span))
    tags = []
    for i, quote, span in drawn:
        start, end = span or (None, None)
        tags.append(
            TagRow(
                id=100 + i,
                paragraph_id=None if span is None else 1,
                paragraph_position=None if span is None else 0,
                start=start,
                end=end,
                quote=quote,
                prefix="" if start is None else paragraph[max(0, start - 32) : start],
                suffix="" if end is None else paragraph[end : end + 32],
                kind=draw(st.sampled_from(["claim", "evidence", "opinion"])),
                note=draw(st.sampled_from(["", "<p>A <em>note</em> // here.</p>", "x\r\ny"])),
                author=draw(st.sampled_from(["alice", "bob", "zoë"])),
                status=draw(st.sampled_from(["pending", "accepted", "disputed", "rejected"])),
                created_at=draw(st.none() | st.just(_at(i))),
            )
        )
    links: list[LinkRow] = []
    made: set[tuple] = set()
    groups: dict[str, tuple[str, int | None, int | None, set[int]]] = {}
    if len(tags) >= 2:
        for link_id in range(1, draw(st.integers(0, max_links)) + 1):
            source, other = draw(st.permutations([t.id for t in tags]))[:2]
            if links and draw(st.booleans()):
                relation, target, target_link = "undercuts", None, draw(st.sampled_from(links)).id
            else:
                relation = draw(st.sampled_from(["supports", "attacks"]))
                target, target_link = other, None
            author = draw(st.sampled_from(["alice", "bob"]))
            if (source, target, target_link, relation, author) in made:
                continue
            made.add((source, target, target_link, relation, author))
            group = draw(st.sampled_from(["", "", "g1", "g2"]))
            if group:
                known = groups.setdefault(group, (relation, target, target_link, set()))
                if known[:3] != (relation, target, target_link) or source in known[3]:
                    group = ""
                else:
                    known[3].add(source)
            links.append(
                LinkRow(
                    id=link_id,
                    source_id=source,
                    target_id=target,
                    target_link_id=target_link,
                    relation=relation,
                    group=group,
                    note=draw(st.sampled_from(["", "<p>Why.</p>"])),
                    author=author,
                    created_at=draw(st.none() | st.just(_at(30 + link_id))),
                )
            )
    return DocumentSnapshot(
        id=9,
        title=draw(map_texts.filter(str.strip)),
        page_url="https://claims.example/documents/9/",
        api_url="https://claims.example/api/",
        paragraphs=(ParagraphRow(id=1, position=0, text=paragraph),),
        tags=tuple(tags),
        links=tuple(links),
    )


def test_group_names_that_would_confuse_the_map_are_qualified():
    links = (
        LinkRow(
            id=1, source_id=12, target_id=11, relation="supports", note="", author="a", group="g"
        ),
        LinkRow(
            id=2, source_id=13, target_id=11, relation="supports", note="", author="a", group="g"
        ),
        LinkRow(
            id=3, source_id=14, target_id=13, relation="attacks", note="", author="a", group="g"
        ),
        LinkRow(
            id=4,
            source_id=16,
            target_id=None,
            target_link_id=1,
            relation="undercuts",
            note="",
            author="a",
            group="e9",
        ),
        LinkRow(id=9, source_id=12, target_id=13, relation="supports", note="", author="a"),
        LinkRow(
            id=5, source_id=15, target_id=14, relation="supports", note="", author="a", group="kept"
        ),
    )
    m = map_from_snapshot(make_map_snapshot(links=links))
    assert [(e.id, e.group) for e in m.edges] == [
        (1, "g supports 11"),
        (2, "g supports 11"),
        (3, "g attacks 13"),
        (4, "e9 undercuts link 1"),
        (5, "kept"),
        (9, None),
    ]
    validate(m)
    assert [len(a.edge_ids) for a in m.arguments()] == [2, 1, 1, 1, 1]
