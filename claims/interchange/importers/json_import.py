"""Read our own JSON export (``claims.interchange.exporters.json_export``) back into a snapshot.

Every field is checked and every problem is collected; they are raised together as one
ValidationError whose keys name the place (``tags[3].quote``, counting rows from 0) and whose
messages say what is wrong. A tag's prefix and suffix are context derived from the paragraph
text, so they are recomputed from it rather than trusted (an implicit statement has none).
``byline``, ``caption``, ``source_url``, ``published_on``, ``tags``, ``links``, ``reviews``,
``note``, ``comment``, a tag's ``implicit`` and ``status``, a link's ``target_link`` and
``group``, and the timestamps may be left out of a hand-written file.

Links keep the file's order; an undercut may come before the link it undercuts, so whoever
creates them must create the undercut link first (``undercut_order`` gives such an order).
"""

import datetime
import json
from collections import Counter
from typing import Any, ClassVar, TextIO, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from claims.interchange.backup import FORMAT as BACKUP_FORMAT
from claims.interchange.exporters.json_export import (
    FORMAT_NAME,
    FORMAT_VERSION,
    PROJECT_FORMAT_NAME,
)
from claims.interchange.importers.source_text import MAX_PROBLEMS, Problems
from claims.models import CONTEXT_CHARS, Relation, TagKind, TagStatus, Verdict
from claims.snapshot import DocumentSnapshot, LinkRow, ParagraphRow, ReviewRow, TagRow

#: Stop collecting after this many problems; a file that bad needs fixing as a whole.
MAX_ERRORS = MAX_PROBLEMS

_NO_SUCH_TAG = "There is no tag with id {} in this file."
_NO_SUCH_LINK = "There is no link with id {} in this file."
#: Link.group's max_length.
GROUP_CHARS = 64

#: Files that hold a whole project: the API's project export and the backup file.
WHOLE_PROJECT_FORMATS = (PROJECT_FORMAT_NAME, BACKUP_FORMAT)


class _Bad:
    """Marks a value that failed its check (the problem is already recorded)."""


BAD: Any = _Bad()


def _describe(value: object) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Reader(Problems):
    """Checks fields one by one and collects what is wrong with them."""

    def _get(self, obj: dict, key: str, where: str, default: Any) -> Any:
        if key in obj:
            return obj[key]
        if default is BAD:
            self.add(where, "This field is missing.")
        return default

    def text(
        self, obj: dict, key: str, where: str, *, default: Any = BAD, blank: bool = True
    ) -> Any:
        """Return a string field, or BAD."""
        value = self._get(obj, key, where, default)
        if value is BAD:
            return BAD
        if not isinstance(value, str):
            self.add(where, f"This should be a string, not {_describe(value)}.")
            return BAD
        if not blank and not value.strip():
            self.add(where, "This must not be blank.")
            return BAD
        return value

    def integer(self, obj: dict, key: str, where: str, *, null_hint: str = "") -> Any:
        """Return a whole number of at least 0, or BAD (``null_hint`` explains a null)."""
        value = self._get(obj, key, where, BAD)
        if value is BAD:
            return BAD
        # bool is an int in Python, but true is not a position.
        if type(value) is not int:
            hint = f" {null_hint}" if value is None and null_hint else ""
            self.add(where, f"This should be a whole number, not {_describe(value)}.{hint}")
            return BAD
        if value < 0:
            self.add(where, f"This should be 0 or more, not {value}.")
            return BAD
        return value

    def optional_integer(self, obj: dict, key: str, where: str) -> Any:
        """Return a whole number of at least 0, None (absent or null), or BAD."""
        if obj.get(key) is None:
            return None
        return self.integer(obj, key, where)

    def flag(self, obj: dict, key: str, where: str) -> Any:
        """Return true/false (false when absent), or BAD."""
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.add(where, f"This should be true or false, not {_describe(value)}.")
            return BAD
        return value

    def choice(
        self, obj: dict, key: str, where: str, choices: list[str], *, default: Any = BAD
    ) -> Any:
        value = self.text(obj, key, where, default=default)
        if value is not BAD and value not in choices:
            self.add(where, f"{value!r} is not one of: {', '.join(choices)}.")
            return BAD
        return value

    def moment(self, obj: dict, key: str, where: str) -> Any:
        """Return an aware datetime, None (absent or null), or BAD."""
        value = self._get(obj, key, where, None)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(where, f"This should be an ISO 8601 time, not {_describe(value)}.")
            return BAD
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            self.add(where, f"{_clip(value)!r} is not an ISO 8601 time.")
            return BAD
        if moment.tzinfo is None:
            self.add(where, f"{value!r} needs a time zone, as in 2024-05-01T09:30:00+00:00.")
            return BAD
        return moment

    def day(self, obj: dict, key: str, where: str) -> Any:
        """Return a date, None (absent or null), or BAD."""
        value = self._get(obj, key, where, None)
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.add(where, f"{_clip(str(value))!r} is not a date such as 2024-05-01.")
            return BAD

    def rows(self, data: dict, key: str, *, required: bool = False) -> list[tuple[str, dict]]:
        """Return ``(place, row)`` for each object in the list at ``key``."""
        value = self._get(data, key, key, BAD if required else [])
        if value is BAD:
            return []
        if not isinstance(value, list):
            self.add(key, f"This should be a list, not {_describe(value)}.")
            return []
        rows = []
        for i, row in enumerate(value):
            if isinstance(row, dict):
                rows.append((f"{key}[{i}]", row))
            else:
                self.add(f"{key}[{i}]", f"This should be an object, not {_describe(row)}.")
        return rows


def _unique_ids(reader: _Reader, rows: list[tuple[str, dict]], what: str) -> dict[int, str]:
    """Map each valid id to the place of its row, reporting ids used twice."""
    seen: dict[int, str] = {}
    for place, row in rows:
        row_id = reader.integer(row, "id", f"{place}.id")
        if row_id is BAD:
            continue
        if row_id in seen:
            reader.add(f"{place}.id", f"{what} id {row_id} is also used by {seen[row_id]}.")
        else:
            seen[row_id] = place
    return seen


class JsonImporter:
    """Our own JSON schema, as written by the ``json`` exporter."""

    name: ClassVar[str] = "json"
    media_type: ClassVar[str] = "application/json"
    label: ClassVar[str] = "Claim annotator json export, with its tags, links and reviews"
    extensions: ClassVar[tuple[str, ...]] = (".json",)

    def load(self, source: TextIO) -> DocumentSnapshot:
        """Parse a JSON file (text) into a snapshot."""
        text = source.read()

        def refuse_constant(name: str) -> None:
            raise ValueError(f"{name} is not a JSON number")

        try:
            data = json.loads(text, parse_constant=refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise ValidationError({NON_FIELD_ERRORS: f"This is not valid JSON: {exc}."}) from exc
        return self.load_data(data)

    def load_data(self, data: object) -> DocumentSnapshot:
        """Check already-parsed JSON data and turn it into a snapshot."""
        if not isinstance(data, dict):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: "The file should hold one JSON object (a claim-annotator "
                    f"json export), not {_describe(data)}."
                }
            )
        if data.get("format") in WHOLE_PROJECT_FORMATS:
            raise ValidationError(
                {
                    "format": f"This is a whole project ({data.get('format')!r}), not one "
                    "document's export: import each element of its documents on its own, or "
                    "restore a backup with manage.py import_project."
                }
            )
        if data.get("format") != FORMAT_NAME:
            raise ValidationError(
                {
                    "format": "This is not a claim-annotator export: format should be "
                    f"{FORMAT_NAME!r}."
                }
            )
        version = data.get("version")
        if type(version) is not int or version != FORMAT_VERSION:
            raise ValidationError(
                {
                    "version": f"Version {version!r} is not supported; this server reads "
                    f"version {FORMAT_VERSION}."
                }
            )
        reader = _Reader()
        document = self._document(reader, data)
        paragraphs = self._paragraphs(reader, data)
        # Rows that point at refused rows are skipped quietly: the refusal is the news.
        paragraphs_ok = not any(place.startswith("paragraphs") for place in reader.errors)
        texts = {p.position: p.text for p in paragraphs} if paragraphs_ok else None
        tags, tag_ids_in_file = self._tags(reader, data, texts)
        links = self._links(reader, data, tags, tag_ids_in_file)
        reviews = self._reviews(reader, data, tags, tag_ids_in_file)
        reader.raise_if_any()
        verdicts = Counter((r.tag_id, r.verdict) for r in reviews)
        tag_rows = tuple(
            TagRow(
                **fields,
                agree=verdicts[fields["id"], Verdict.AGREE],
                disagree=verdicts[fields["id"], Verdict.DISAGREE],
            )
            for fields in tags.values()
        )
        return DocumentSnapshot(
            id=None,
            **document,
            paragraphs=paragraphs,
            tags=tag_rows,
            links=links,
            reviews=reviews,
        )

    def _document(self, reader: _Reader, data: dict) -> dict:
        doc = data.get("document")
        if not isinstance(doc, dict):
            reader.add("document", f"This should be an object, not {_describe(doc)}.")
            return {}
        return {
            "title": reader.text(doc, "title", "document.title", blank=False),
            "byline": reader.text(doc, "byline", "document.byline", default=""),
            "caption": reader.text(doc, "caption", "document.caption", default=""),
            "source_url": reader.text(doc, "source_url", "document.source_url", default=""),
            "published_on": reader.day(doc, "published_on", "document.published_on"),
        }

    def _paragraphs(self, reader: _Reader, data: dict) -> tuple[ParagraphRow, ...]:
        rows = reader.rows(data, "paragraphs", required=True)
        if data.get("paragraphs") == []:
            reader.add("paragraphs", "A document needs at least one paragraph.")
        found: dict[int, str] = {}
        for place, row in rows:
            position = reader.integer(row, "position", f"{place}.position")
            text = reader.text(row, "text", f"{place}.text", blank=False)
            if text is not BAD and "\x00" in text:
                reader.add(f"{place}.text", "The text holds a NUL character.")
                text = BAD
            if position is BAD or text is BAD:
                continue
            if position in found:
                reader.add(f"{place}.position", f"Position {position} is used twice.")
                continue
            found[position] = text
        if len(found) == len(rows) and sorted(found) != list(range(len(found))):
            missing = sorted(set(range(max(found) + 1)) - set(found))
            reader.add(
                "paragraphs",
                f"Positions should run from 0 to {len(found) - 1} without gaps; "
                f"missing: {', '.join(map(str, missing))}.",
            )
        return tuple(
            ParagraphRow(id=position, position=position, text=text)
            for position, text in sorted(found.items())
        )

    def _tags(
        self, reader: _Reader, data: dict, texts: dict[int, str] | None
    ) -> tuple[dict[int, dict], set[int] | None]:
        """Return the fields of each valid tag by id (in file order), and every id in the file
        (None when the tags are not even a list).

        With ``texts`` None (the paragraphs were refused) only the fields themselves are checked.
        """
        rows = reader.rows(data, "tags")
        if "tags" in reader.errors:
            return {}, None
        ids = _unique_ids(reader, rows, "Tag")
        tags: dict[int, dict] = {}
        spans: dict[tuple, str] = {}
        for place, row in rows:
            fields = {
                "quote": reader.text(row, "quote", f"{place}.quote"),
                "kind": reader.choice(row, "kind", f"{place}.kind", TagKind.values),
                "note": reader.text(row, "note", f"{place}.note", default=""),
                "author": reader.text(row, "author", f"{place}.author", blank=False),
                "status": reader.choice(
                    row,
                    "status",
                    f"{place}.status",
                    TagStatus.values,
                    default=TagStatus.PENDING.value,
                ),
                "created_at": reader.moment(row, "created_at", f"{place}.created_at"),
                "updated_at": reader.moment(row, "updated_at", f"{place}.updated_at"),
            }
            for context in ("prefix", "suffix"):
                reader.text(row, context, f"{place}.{context}", default="")
            implicit = reader.flag(row, "implicit", f"{place}.implicit")
            if implicit is True:
                span = self._no_span(reader, row, place, fields["quote"])
            elif implicit is False:
                span = {
                    key: reader.integer(
                        row,
                        key,
                        f"{place}.{key}",
                        null_hint='An implicit statement (no span) says "implicit": true.',
                    )
                    for key in ("paragraph", "start", "end")
                }
            else:
                span = None
            # A row without an id is in no place of ids, so it is skipped below.
            tag_id = cast(int, row.get("id"))
            if span is None or BAD in fields.values() or BAD in span.values():
                continue
            if ids.get(tag_id) != place:
                continue
            if implicit:
                tags[tag_id] = {
                    "id": tag_id,
                    "paragraph_id": None,
                    "paragraph_position": None,
                    "start": None,
                    "end": None,
                    "prefix": "",
                    "suffix": "",
                    **fields,
                }
                continue
            if texts is None:
                continue
            position, start, end = span["paragraph"], span["start"], span["end"]
            if position not in texts:
                reader.add(f"{place}.paragraph", f"There is no paragraph at position {position}.")
                continue
            text = texts[position]
            if end > len(text):
                reader.add(
                    f"{place}.end",
                    f"end ({end}) is past the end of paragraph {position} "
                    f"({len(text)} characters).",
                )
                continue
            if start >= end:
                reader.add(f"{place}.start", f"start ({start}) must be less than end ({end}).")
                continue
            if fields["quote"] != text[start:end]:
                reader.add(
                    f"{place}.quote",
                    f"The quote {_clip(fields['quote'])!r} does not match paragraph {position} "
                    f"at {start}-{end}, which reads {_clip(text[start:end])!r}.",
                )
                continue
            key = (position, start, end, fields["kind"], fields["author"])
            if key in spans:
                reader.add(
                    place, f"{spans[key]} already tags this span with this kind by this author."
                )
                continue
            spans[key] = place
            tags[tag_id] = {
                "id": tag_id,
                "paragraph_id": position,
                "paragraph_position": position,
                "start": start,
                "end": end,
                "prefix": text[max(0, start - CONTEXT_CHARS) : start],
                "suffix": text[end : end + CONTEXT_CHARS],
                **fields,
            }
        return tags, set(ids)

    @staticmethod
    def _no_span(reader: _Reader, row: dict, place: str, quote: Any) -> dict | None:
        """Check that an implicit statement has text and no span; return {} or None."""
        ok = True
        for key in ("paragraph", "start", "end"):
            if row.get(key) is not None:
                reader.add(
                    f"{place}.{key}",
                    f"An implicit statement has no {key}: leave it null or out.",
                )
                ok = False
        if quote is not BAD and not quote.strip():
            reader.add(f"{place}.quote", "An implicit statement needs its text in quote.")
            ok = False
        return {} if ok else None

    def _links(
        self, reader: _Reader, data: dict, tags: dict[int, dict], in_file: set[int] | None
    ) -> tuple[LinkRow, ...]:
        rows = reader.rows(data, "links")
        ids = _unique_ids(reader, rows, "Link")
        candidates: dict[int, tuple[str, dict]] = {}
        for place, row in rows:
            fields = {
                "source_id": reader.integer(row, "source", f"{place}.source"),
                "relation": reader.choice(row, "relation", f"{place}.relation", Relation.values),
                "group": reader.text(row, "group", f"{place}.group", default=""),
                "note": reader.text(row, "note", f"{place}.note", default=""),
                "author": reader.text(row, "author", f"{place}.author", blank=False),
                "created_at": reader.moment(row, "created_at", f"{place}.created_at"),
                "updated_at": reader.moment(row, "updated_at", f"{place}.updated_at"),
            }
            if fields["group"] is not BAD and len(fields["group"]) > GROUP_CHARS:
                reader.add(f"{place}.group", f"A group name has at most {GROUP_CHARS} characters.")
                fields["group"] = BAD
            target: dict | tuple | None = self._link_target(reader, row, place, fields["relation"])
            if target is None or BAD in fields.values():
                continue
            if ids.get(cast(int, row.get("id"))) != place:
                continue
            fields.update(target)
            source_ok = self._tag_ref(reader, place, "source", fields["source_id"], tags, in_file)
            target_ok = fields["target_id"] is None or self._tag_ref(
                reader, place, "target", fields["target_id"], tags, in_file
            )
            link_id = fields["target_link_id"]
            if link_id is not None and link_id not in ids:
                reader.add(f"{place}.target_link", _NO_SUCH_LINK.format(link_id))
                continue
            if not (source_ok and target_ok):
                continue
            if fields["source_id"] == fields["target_id"]:
                reader.add(f"{place}.target", "A tag cannot support or attack itself.")
                continue
            if link_id == row["id"]:
                reader.add(f"{place}.target_link", "A link cannot undercut itself.")
                continue
            candidates[row["id"]] = (place, fields)
        kept = self._rooted(reader, candidates)
        links = []
        seen: dict[tuple, str] = {}
        groups: dict[str, tuple[str, tuple, set[int]]] = {}
        for link_id, (place, fields) in candidates.items():
            if link_id not in kept:
                continue
            target = (fields["target_id"], fields["target_link_id"])
            key = (fields["source_id"], *target, fields["relation"], fields["author"])
            if key in seen:
                what = "undercut" if fields["relation"] == Relation.UNDERCUTS else "link"
                reader.add(place, f"{seen[key]} already makes this {what} by this author.")
                continue
            if fields["group"]:
                argument = (fields["relation"], target)
                first, known, premises = groups.setdefault(
                    fields["group"], (place, argument, set())
                )
                if known != argument:
                    reader.add(
                        f"{place}.group",
                        f"Group {fields['group']!r} already joins premises that "
                        f"{known[0]} another target ({first}); a linked argument has one "
                        "target and one relation.",
                    )
                    continue
                if fields["source_id"] in premises:
                    reader.add(
                        f"{place}.group",
                        f"Tag {fields['source_id']} is already a premise of group "
                        f"{fields['group']!r}.",
                    )
                    continue
                premises.add(fields["source_id"])
            seen[key] = place
            links.append(LinkRow(id=link_id, **fields))
        return tuple(links)

    @staticmethod
    def _link_target(reader: _Reader, row: dict, place: str, relation: Any) -> dict | None:
        """Return ``target_id`` and ``target_link_id`` as the relation wants them, or None."""
        target = reader.optional_integer(row, "target", f"{place}.target")
        target_link = reader.optional_integer(row, "target_link", f"{place}.target_link")
        if BAD in (target, target_link, relation):
            return None
        if relation == Relation.UNDERCUTS:
            if target is not None:
                reader.add(
                    f"{place}.target",
                    "An undercut attacks a link, not a tag: give target_link and leave target "
                    "null.",
                )
                return None
            if target_link is None:
                reader.add(f"{place}.target_link", "An undercut needs target_link (a link id).")
                return None
        else:
            if target_link is not None:
                reader.add(
                    f"{place}.target_link",
                    f"A link that {relation} points at a tag: give target and leave "
                    "target_link null (only an undercut targets a link).",
                )
                return None
            if target is None:
                reader.add(f"{place}.target", f"A link that {relation} needs a target tag.")
                return None
        return {"target_id": target, "target_link_id": target_link}

    @staticmethod
    def _tag_ref(
        reader: _Reader,
        place: str,
        end: str,
        tag_id: int,
        tags: dict[int, dict],
        in_file: set[int] | None,
    ) -> bool:
        """Report a reference to a tag the file does not have; say whether the tag was kept."""
        if in_file is not None and tag_id not in in_file:
            reader.add(f"{place}.{end}", _NO_SUCH_TAG.format(tag_id))
        return tag_id in tags

    @staticmethod
    def _rooted(reader: _Reader, candidates: dict[int, tuple[str, dict]]) -> set[int]:
        """Return the links whose undercut chains end in a kept supports or attacks link.

        Undercuts of refused links are dropped quietly; undercuts in a circle are refused.
        """
        kept: set[int] = set()
        for link_id, (place, fields) in candidates.items():
            chain = [link_id]
            current = fields
            while current["target_link_id"] is not None:
                following = current["target_link_id"]
                if following == link_id:
                    circle = ", ".join(candidates[i][0] for i in chain)
                    reader.add(
                        f"{place}.target_link", f"Links undercut each other in a circle: {circle}."
                    )
                    break
                if following in chain:
                    break  # it hangs on a circle, which its members report
                if following not in candidates:
                    break  # it was refused; that refusal is the news
                chain.append(following)
                current = candidates[following][1]
            else:
                kept.add(link_id)
        return kept

    def _reviews(
        self, reader: _Reader, data: dict, tags: dict[int, dict], in_file: set[int] | None
    ) -> tuple[ReviewRow, ...]:
        rows = reader.rows(data, "reviews")
        ids = _unique_ids(reader, rows, "Review")
        reviews = []
        seen: dict[tuple, str] = {}
        for place, row in rows:
            fields = {
                "tag_id": reader.integer(row, "tag", f"{place}.tag"),
                "reviewer": reader.text(row, "reviewer", f"{place}.reviewer", blank=False),
                "verdict": reader.choice(row, "verdict", f"{place}.verdict", Verdict.values),
                "comment": reader.text(row, "comment", f"{place}.comment", default=""),
                "created_at": reader.moment(row, "created_at", f"{place}.created_at"),
                "updated_at": reader.moment(row, "updated_at", f"{place}.updated_at"),
            }
            if BAD in fields.values() or ids.get(cast(int, row.get("id"))) != place:
                continue
            tag = tags.get(fields["tag_id"])
            if in_file is not None and fields["tag_id"] not in in_file:
                reader.add(f"{place}.tag", _NO_SUCH_TAG.format(fields["tag_id"]))
            if tag is None:
                continue
            if tag["author"] == fields["reviewer"]:
                reader.add(
                    f"{place}.reviewer",
                    f"{fields['reviewer']} wrote tag {tag['id']} and cannot review it.",
                )
                continue
            key = (fields["tag_id"], fields["reviewer"])
            if key in seen:
                reader.add(place, f"{seen[key]} is already this reviewer's review of this tag.")
                continue
            seen[key] = place
            reviews.append(ReviewRow(id=row["id"], **fields))
        return tuple(reviews)
