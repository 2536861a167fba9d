"""Hypothesis: any snapshot survives export to json and import back, with and without the DB."""

import dataclasses
import datetime
import io
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from claims.interchange.exporters import EXPORTERS
from claims.interchange.importers import get_importer
from claims.interchange.importing import annotations_import
from claims.selectors import document_snapshot
from claims.snapshot import DocumentSnapshot, LinkRow, ParagraphRow, ReviewRow, TagRow
from tests.claims.importers.test_import_json import as_imported
from tests.factories import ProjectFactory, UserFactory

PEOPLE = ("alice", "bob", "carol")
IST = datetime.timezone(datetime.timedelta(hours=5, minutes=30))

# Any character but surrogates and NUL (which PostgreSQL text cannot hold), with the
# troublemakers offsets have to survive drawn often.
characters = st.one_of(
    st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    st.sampled_from(["\u00a0", "🤝", "👨‍👩‍👧", "情", "报", "e\u0301", "\n", '"', ",", "\r"]),
)
texts = st.lists(characters, min_size=1, max_size=40).map("".join)
paragraph_texts = texts.filter(lambda t: t.strip())
moments = st.none() | st.datetimes(
    # Hypothesis takes naive bounds and puts each drawn time in one of the zones.
    min_value=datetime.datetime(1970, 1, 1),  # noqa: DTZ001
    max_value=datetime.datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([datetime.UTC, IST]),
)
notes = st.sampled_from(["", "<p>A <em>note</em>.</p>", "plain words", "<strong>x</strong>"])


@st.composite
def snapshots(draw) -> DocumentSnapshot:
    """Draw a consistent document: spans inside their paragraphs, links and reviews by the
    rules (no self-links, no reviews of one's own tag, no duplicates)."""
    paragraphs = tuple(
        ParagraphRow(id=i, position=i, text=text)
        for i, text in enumerate(draw(st.lists(paragraph_texts, min_size=1, max_size=4)))
    )
    tags, spans = [], set()
    for tag_id in range(draw(st.integers(0, 6))):
        paragraph = draw(st.sampled_from(paragraphs))
        start = draw(st.integers(0, len(paragraph.text) - 1))
        end = draw(st.integers(start + 1, len(paragraph.text)))
        kind = draw(st.sampled_from(["claim", "evidence", "opinion"]))
        author = draw(st.sampled_from(PEOPLE))
        if (paragraph.position, start, end, kind, author) in spans:
            continue
        spans.add((paragraph.position, start, end, kind, author))
        tags.append(
            TagRow(
                id=100 + tag_id,
                paragraph_id=paragraph.id,
                paragraph_position=paragraph.position,
                start=start,
                end=end,
                quote=paragraph.text[start:end],
                prefix=paragraph.text[max(0, start - 32) : start],
                suffix=paragraph.text[end : end + 32],
                kind=kind,
                note=draw(notes),
                author=author,
                created_at=draw(moments),
                updated_at=draw(moments),
            )
        )
    links, edges = [], set()
    if len(tags) >= 2:
        for link_id in range(draw(st.integers(0, 4))):
            source, target = draw(st.permutations(tags))[:2]
            relation = draw(st.sampled_from(["supports", "attacks"]))
            author = draw(st.sampled_from(PEOPLE))
            if (source.id, target.id, relation, author) in edges:
                continue
            edges.add((source.id, target.id, relation, author))
            links.append(
                LinkRow(
                    id=link_id,
                    source_id=source.id,
                    target_id=target.id,
                    relation=relation,
                    note=draw(notes),
                    author=author,
                    created_at=draw(moments),
                )
            )
    reviews, reviewed = [], set()
    for review_id in range(draw(st.integers(0, 4)) if tags else 0):
        tag = draw(st.sampled_from(tags))
        reviewer = draw(st.sampled_from([p for p in PEOPLE if p != tag.author]))
        if (tag.id, reviewer) in reviewed:
            continue
        reviewed.add((tag.id, reviewer))
        reviews.append(
            ReviewRow(
                id=review_id,
                tag_id=tag.id,
                reviewer=reviewer,
                verdict=draw(st.sampled_from(["agree", "disagree"])),
                comment=draw(notes),
                updated_at=draw(moments),
            )
        )
    verdicts = Counter((r.tag_id, r.verdict) for r in reviews)
    return DocumentSnapshot(
        id=1,
        title=draw(paragraph_texts),
        byline=draw(texts | st.just("")),
        caption=draw(texts | st.just("")),
        published_on=draw(st.none() | st.dates()),
        paragraphs=paragraphs,
        tags=tuple(
            dataclasses.replace(
                t, agree=verdicts[t.id, "agree"], disagree=verdicts[t.id, "disagree"]
            )
            for t in tags
        ),
        links=tuple(links),
        reviews=tuple(reviews),
    )


def to_json(snapshot: DocumentSnapshot) -> str:
    out = io.StringIO()
    EXPORTERS["json"].export(snapshot, out)
    return out.getvalue()


def from_json(text: str) -> DocumentSnapshot:
    return get_importer("json").load(io.StringIO(text))


@given(snapshots())
def test_json_export_then_import_gives_the_snapshot_back(snapshot):
    assert from_json(to_json(snapshot)) == as_imported(snapshot)


def _utc(value: str | None) -> str | None:
    if value is None:
        return None
    return datetime.datetime.fromisoformat(value).astimezone(datetime.UTC).isoformat()


def _without_ids(text: str) -> dict:
    """Parse an export with ids replaced by positions and times put in UTC.

    A tag's status is left out: it is derived from the reviews and the project's thresholds,
    and an import does not read it back.
    """
    data = json.loads(text)
    for key in ("tags", "links", "reviews"):
        for row in data[key]:
            row["created_at"], row["updated_at"] = _utc(row["created_at"]), _utc(row["updated_at"])
    tag_number = {tag["id"]: i for i, tag in enumerate(data["tags"])}
    tag_number[None] = None
    link_number = {link["id"]: i for i, link in enumerate(data["links"])}
    link_number[None] = None
    for i, row in enumerate(data["tags"]):
        row["id"] = i
        row.pop("status", None)
    for key, refs in (("links", ("source", "target")), ("reviews", ("tag",))):
        for i, row in enumerate(data[key]):
            row["id"] = i
            for ref in refs:
                row[ref] = tag_number[row[ref]]
            if "target_link" in row:
                row["target_link"] = link_number[row["target_link"]]
    return data


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    # The database is shared by the examples on purpose: each imports into a new project.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshot=snapshots())
def test_import_into_the_database_and_export_again(snapshot):
    for name in PEOPLE:
        UserFactory(username=name)
    # What the database gives back is ordered; so is the file that goes in.
    ordered = dataclasses.replace(
        snapshot,
        tags=tuple(
            sorted(snapshot.tags, key=lambda t: (t.paragraph_position, t.start, t.end, t.id))
        ),
    )
    file = to_json(ordered)
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=from_json(file))
    again = to_json(document_snapshot(result.document))
    expected = _without_ids(file)
    got = _without_ids(again)
    # Rows without times in the file get the time of the import; compare the rest.
    for key in ("tags", "links", "reviews"):
        for want, have in zip(expected[key], got[key], strict=True):
            for stamp in ("created_at", "updated_at"):
                if want[stamp] is None:
                    want[stamp] = have[stamp]
    # Reviews come back ordered by time, so compare them as sets of rows.
    assert {**got, "reviews": None} == {**expected, "reviews": None}
    key = json.dumps
    assert sorted(map(key, got["reviews"])) == sorted(map(key, expected["reviews"]))


# --- The service alone: implicit statements, undercuts and linked arguments -------------------

SAFE_NOTES = st.sampled_from(["", "plain words", "<p>A <em>note</em>.</p>"])


@st.composite
def maps(draw, people: tuple[str, ...] = PEOPLE, for_aif: bool = False) -> DocumentSnapshot:
    """Draw a document whose map uses everything: passages and implicit statements, supports
    and attacks in linked-argument groups, undercuts (of undercuts too), links in any order.

    ``for_aif``: what AIF can carry back: paragraphs without line breaks (the source text is
    one paragraph a line), a first paragraph that does not start with U+FEFF (at the start of
    a source text it reads as a byte order mark, not as text), and passages whose words differ
    from one another (an AIF statement has no offsets, so each one needs an occurrence of its
    own in the text).
    """
    lines = paragraph_texts.filter(lambda t: "\n" not in t and "\r" not in t)
    texts = draw(st.lists(lines if for_aif else paragraph_texts, min_size=1, max_size=3))
    if for_aif:
        assume(not texts[0].startswith("\ufeff"))
    paragraphs = tuple(
        ParagraphRow(id=10 + i, position=i, text=text) for i, text in enumerate(texts)
    )
    tags, spans, words = [], set(), set()
    for tag_id in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["claim", "evidence", "opinion"]))
        author = draw(st.sampled_from(people))
        common = {"id": tag_id, "kind": kind, "author": author, "note": draw(SAFE_NOTES)}
        if draw(st.booleans()):
            tags.append(
                TagRow(
                    paragraph_id=None,
                    paragraph_position=None,
                    start=None,
                    end=None,
                    quote=draw(paragraph_texts),
                    prefix="",
                    suffix="",
                    **common,
                )
            )
            continue
        paragraph = draw(st.sampled_from(paragraphs))
        start = draw(st.integers(0, len(paragraph.text) - 1))
        end = draw(st.integers(start + 1, len(paragraph.text)))
        quote = paragraph.text[start:end]
        if (paragraph.id, start, end, kind, author) in spans:
            continue
        if for_aif and (not quote.strip() or " ".join(quote.split()) in words):
            continue
        spans.add((paragraph.id, start, end, kind, author))
        words.add(" ".join(quote.split()))
        tags.append(
            TagRow(
                paragraph_id=paragraph.id,
                paragraph_position=paragraph.position,
                start=start,
                end=end,
                quote=paragraph.text[start:end],
                prefix=paragraph.text[max(0, start - 32) : start],
                suffix=paragraph.text[end : end + 32],
                **common,
            )
        )
    links: list[LinkRow] = []
    seen: set[tuple] = set()
    groups: dict[str, tuple] = {}
    members: dict[str, set[int]] = {}
    for link_id in range(draw(st.integers(0, 8)) if len(tags) > 1 else 0):
        source = draw(st.sampled_from(tags))
        author = draw(st.sampled_from(people))
        if links and draw(st.booleans()):
            target_link = draw(st.sampled_from(links)).id
            target, relation = None, "undercuts"
        else:
            target = draw(st.sampled_from([t for t in tags if t.id != source.id])).id
            target_link, relation = None, draw(st.sampled_from(["supports", "attacks"]))
        group = draw(st.sampled_from(["", "", "g1", "g2"]))
        if group and (
            groups.setdefault(group, (target, target_link, relation))
            != (target, target_link, relation)
            or source.id in members.setdefault(group, set())
        ):
            group = ""
        key = (source.id, target, target_link, relation, author)
        if key in seen:
            continue
        seen.add(key)
        if group:
            members[group].add(source.id)
        links.append(
            LinkRow(
                id=100 + link_id,
                source_id=source.id,
                target_id=target,
                target_link_id=target_link,
                relation=relation,
                group=group,
                note=draw(SAFE_NOTES),
                author=author,
            )
        )
    return DocumentSnapshot(
        id=None,
        title="A map",
        paragraphs=paragraphs,
        tags=tuple(tags),
        links=tuple(draw(st.permutations(links))),
    )


def _canonical(snapshot: DocumentSnapshot) -> tuple[list, list]:
    """Return the tags and links without ids: each link names its ends by what they are."""
    tags = {
        t.id: (t.paragraph_position, t.start, t.end, t.quote, t.kind, t.author, t.note)
        for t in snapshot.tags
    }
    links = {lk.id: lk for lk in snapshot.links}

    def link_key(lk: LinkRow) -> tuple:
        target = (
            tags[lk.target_id] if lk.target_id is not None else link_key(links[lk.target_link_id])
        )
        return (tags[lk.source_id], lk.relation, target, lk.group, lk.note, lk.author)

    return sorted(tags.values(), key=repr), sorted(map(link_key, links.values()), key=repr)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshot=maps())
def test_the_service_recreates_any_map_exactly(snapshot):
    for name in PEOPLE:
        UserFactory(username=name)
    result = annotations_import(actor=None, project=ProjectFactory(), snapshot=snapshot)
    again = document_snapshot(result.document)
    assert _canonical(again) == _canonical(snapshot)
    assert result.implicit == sum(t.implicit for t in snapshot.tags)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(snapshot=maps())
def test_any_map_survives_json_export_and_import(snapshot):
    for name in PEOPLE:
        UserFactory(username=name)
    result = annotations_import(
        actor=None, project=ProjectFactory(), snapshot=from_json(to_json(snapshot))
    )
    assert _canonical(document_snapshot(result.document)) == _canonical(snapshot)


# --- A hand-made map, shared by the import tests ---------------------------------------------

MAP_TEXT = "India and China agreed to share intelligence. Critics call it talk."


def map_snapshot(links: tuple[LinkRow, ...] | None = None) -> DocumentSnapshot:
    """One paragraph, two passages and an implicit statement, a linked argument of two
    premises, an undercut of its first link and an undercut of that undercut. The undercuts
    come first, so the service has to create the links they attack before them."""
    text = MAP_TEXT
    claim_end = text.index(".") + 1
    critics = text.index("Critics")

    def tag(tag_id: int, start: int | None, end: int | None, kind: str, quote: str = "") -> TagRow:
        passage = start is not None
        return TagRow(
            id=tag_id,
            paragraph_id=7 if passage else None,
            paragraph_position=0 if passage else None,
            start=start,
            end=end,
            quote=text[start:end] if passage else quote,
            prefix=text[max(0, start - 32) : start] if passage else "",
            suffix=text[end : end + 32] if passage else "",
            kind=kind,
            note="",
            author="alice",
        )

    if links is None:
        links = (
            LinkRow(40, 3, None, "undercuts", "", "bob", target_link_id=30),
            LinkRow(30, 2, None, "undercuts", "<em>why?</em>", "bob", target_link_id=10),
            LinkRow(10, 1, 2, "supports", "", "alice", group="both"),
            LinkRow(20, 3, 2, "supports", "", "alice", group="both"),
        )
    return DocumentSnapshot(
        id=None,
        title="A map",
        paragraphs=(ParagraphRow(id=7, position=0, text=text),),
        tags=(
            tag(1, 0, claim_end, "evidence"),
            tag(2, critics, len(text), "claim"),
            tag(3, None, None, "evidence", quote="Sharing intelligence is cooperation."),
        ),
        links=links,
    )
