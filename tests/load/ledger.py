"""What the load clients were told, and its comparison with what the database holds.

Every tag, link and review carries a ``version`` that each write raises by exactly one (the
service's conditional UPDATE), so the acknowledged answers pin the final state down exactly:

- **version**: the version at the start (0 for rows made during the run) plus one per
  acknowledged write (creation included) plus one per cascade the creating client caused
  (deleting or restoring a tag deletes or restores its links). A write the server applied
  but never acknowledged, or one it acknowledged and lost, shows up here.
- **fields**: those of the acknowledged answer (a write or a GET) with the highest version.
  Deletes and restores change no field, so the last answer that carried the fields holds.
- **live or deleted**: only the client that created a row deletes or restores it (and its
  links, by cascade), one request at a time, so that client's own account is exact.
- Two answers naming one version must agree on the fields (else a write was lost or torn).

**Cross-user links** join a client's own tag to another user's tag, whose owner deletes and
restores it meanwhile: the one race the exact rows cannot meet (a link made while its target is
being deleted). Their cascades come from another client, so only part of their account is exact:

- **fields**, **relation**, **ends** and **author**: as above, exactly.
- **version**: at least the highest one any answer named (cascades add an unknown number).
- **deleted**: a link its creator deleted (an acknowledged DELETE, not restored since) is deleted,
  at a time within that request; any other deleted one was deleted with one of its ends, so its
  ``deleted_at`` is that of an end that is deleted now.

And for every link, whoever made it (``invariants``): a live link has live ends (tags, and the
link it undercuts).

A client that times out, or gets a 5xx, fails the run anyway; its row (if written) then
shows up as extra or with the wrong version.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

#: The fields compared per entity, as the API names them (authors by username).
FIELDS = {
    "tag": ("paragraph", "start", "end", "kind", "note", "decision", "author"),
    "link": ("source", "target", "relation", "group", "note", "author"),
    "review": ("tag", "reviewer", "verdict", "comment"),
}

Key = tuple[str, int]  # ("tag", 12)


@dataclass(frozen=True)
class Seen:
    """One answer about a row: its version, and its fields when the answer carried them."""

    version: int
    fields: tuple | None = None
    deleted: bool | None = None


def fields_of(entity: str, data: dict) -> tuple:
    """The compared fields of an API representation (or a database row as a dict)."""
    return tuple(data.get(name) for name in FIELDS[entity])


@dataclass
class Ledger:
    """One client's account of what it was told; ledgers of all clients merge into one."""

    base: dict[Key, int] = field(default_factory=dict)
    writes: Counter = field(default_factory=Counter)
    cascades: Counter = field(default_factory=Counter)
    seen: defaultdict = field(default_factory=lambda: defaultdict(list))
    deleted: dict[Key, bool] = field(default_factory=dict)
    #: Cross-user links, each with the (start, end) wall-clock time of the acknowledged DELETE
    #: that deleted it, or None while its creator has not deleted it (or restored it since).
    cross: dict[Key, tuple[float, float] | None] = field(default_factory=dict)

    def baseline(self, key: Key, version: int, data: dict, *, deleted: bool = False) -> None:
        """A row that existed before the run (nobody deletes or restores it)."""
        self.base[key] = version
        self.seen[key].append(Seen(version, fields_of(key[0], data), deleted))
        self.deleted[key] = deleted

    def write(self, key: Key, version: int, data: dict | None, *, deleted: bool) -> None:
        """An acknowledged write: its answer's version and, if it carried them, the fields."""
        self.writes[key] += 1
        fields = None if data is None else fields_of(key[0], data)
        self.seen[key].append(Seen(version, fields, deleted))

    def observe(self, key: Key, version: int, data: dict) -> None:
        """A GET's answer: no write, but a fact about one version."""
        self.seen[key].append(Seen(version, fields_of(key[0], data), False))

    def cascade(self, key: Key) -> None:
        """A write to this row made by the creator's write to another row (same request)."""
        self.cascades[key] += 1

    def set_deleted(self, key: Key, deleted: bool) -> None:
        """The creating client's account of whether the row is deleted now."""
        self.deleted[key] = deleted

    def cross_link(self, key: Key, removed: tuple[float, float] | None = None) -> None:
        """A cross-user link, and the window of its creator's DELETE if that is its last word."""
        self.cross[key] = removed

    def merge(self, other: "Ledger") -> None:
        self.base.update(other.base)
        self.writes.update(other.writes)
        self.cascades.update(other.cascades)
        for key, seen in other.seen.items():
            self.seen[key].extend(seen)
        self.deleted.update(other.deleted)
        self.cross.update(other.cross)

    def keys(self) -> set[Key]:
        return set(self.seen) | set(self.base) | set(self.writes)


@dataclass(frozen=True)
class Row:
    """A row as the database holds it."""

    version: int
    fields: tuple
    deleted: bool
    deleted_at: datetime.datetime | None = None
    target_link: int | None = None  # links: the link an undercut attacks


def compare(ledger: Ledger, rows: dict[Key, Row]) -> list[str]:
    """Every difference between the ledger and the database rows (none: they match exactly)."""
    problems = []
    for key in sorted(set(rows) - ledger.keys()):
        problems.append(f"{key[0]} {key[1]}: in the database, but no client was told of it")
    for key in sorted(ledger.keys()):
        entity, pk = key
        name = f"{entity} {pk}"
        row = rows.get(key)
        if row is None:
            problems.append(f"{name}: acknowledged, but not in the database")
            continue
        expected_version = ledger.base.get(key, 0) + ledger.writes[key] + ledger.cascades[key]
        if key in ledger.cross:
            told = max(s.version for s in ledger.seen[key]) if ledger.seen[key] else 0
            if row.version < told:
                problems.append(
                    f"{name}: version {row.version} in the database, below version {told} "
                    "an answer named"
                )
        elif row.version != expected_version:
            problems.append(
                f"{name}: version {row.version} in the database, {expected_version} from the "
                f"acknowledged writes ({ledger.writes[key]} writes, {ledger.cascades[key]} "
                f"cascaded, base {ledger.base.get(key, 0)})"
            )
        seen = ledger.seen[key]
        by_version: dict[int, tuple] = {}
        for s in seen:
            if s.fields is None:
                continue
            earlier = by_version.setdefault(s.version, s.fields)
            if earlier != s.fields:
                problems.append(
                    f"{name}: two answers for version {s.version} differ: {earlier} / {s.fields}"
                )
        if by_version:
            top = max(by_version)
            if top > row.version:
                problems.append(
                    f"{name}: a client was told of version {top}, the database has {row.version}"
                )
            if by_version[top] != row.fields:
                fields = FIELDS[entity]
                diff = {
                    f: (want, got)
                    for f, want, got in zip(fields, by_version[top], row.fields, strict=True)
                    if want != got
                }
                problems.append(
                    f"{name}: fields differ from the last acknowledged answer (version {top}), "
                    f"acknowledged vs stored: {diff}"
                )
        else:
            problems.append(f"{name}: no answer ever carried its fields")
        last = max(
            (s for s in seen if s.deleted is not None), key=lambda s: s.version, default=None
        )
        if last is not None and last.version == row.version and last.deleted != row.deleted:
            problems.append(
                f"{name}: the answer for version {last.version} said deleted={last.deleted}, "
                f"the database says deleted={row.deleted}"
            )
        if key in ledger.cross:
            problems += _cross_deleted(name, ledger.cross[key], row, rows)
        elif key not in ledger.deleted:
            problems.append(f"{name}: no client accounts for whether it is deleted")
        elif ledger.deleted[key] != row.deleted:
            problems.append(
                f"{name}: deleted={row.deleted} in the database, the clients were told "
                f"deleted={ledger.deleted[key]}"
            )
    return problems


def _cross_deleted(
    name: str, removed: tuple[float, float] | None, row: Row, rows: dict[Key, Row]
) -> list[str]:
    """A cross-user link is deleted by its creator's DELETE, or with one of its ends."""
    if removed is not None:
        if not row.deleted:
            return [f"{name}: its creator's DELETE was acknowledged, but it is live"]
        at = row.deleted_at.timestamp() if row.deleted_at else None
        if at is None or not removed[0] - CLOCK_SLACK <= at <= removed[1] + CLOCK_SLACK:
            return [
                f"{name}: deleted at {row.deleted_at}, not during its creator's DELETE "
                f"({_when(removed[0])} to {_when(removed[1])})"
            ]
        return []
    if not row.deleted:
        return []  # a live link's ends: see invariants()
    source, target = row.fields[0], row.fields[1]
    ends = [rows.get(("tag", pk)) for pk in (source, target)]
    if row.deleted_at is None or row.deleted_at not in {e.deleted_at for e in ends if e}:
        return [
            f"{name}: deleted at {row.deleted_at} though its creator did not delete it, and "
            f"neither end was deleted then (tag {source}: "
            f"{ends[0].deleted_at if ends[0] else 'missing'}, tag {target}: "
            f"{ends[1].deleted_at if ends[1] else 'missing'})"
        ]
    return []


#: Client and servers share the host's clock; this covers rounding only.
CLOCK_SLACK = 0.002


def _when(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).isoformat()


def database_rows(document_id: int) -> dict[Key, Row]:
    """Every tag, link and review of the document, deleted ones included."""
    from claims.models import Link, Review, Tag

    rows: dict[Key, Row] = {}
    tags = Tag.all_objects.filter(document_id=document_id).select_related("author")
    for t in tags:
        data = {
            "paragraph": t.paragraph_id,
            "start": t.start,
            "end": t.end,
            "kind": t.kind,
            "note": t.note,
            "decision": t.decision,
            "author": t.author.username,
        }
        rows["tag", t.pk] = Row(
            t.version, fields_of("tag", data), t.deleted_at is not None, t.deleted_at
        )
    links = Link.all_objects.filter(source__document_id=document_id).select_related("author")
    for ln in links:
        data = {
            "source": ln.source_id,
            "target": ln.target_id,
            "relation": ln.relation,
            "group": ln.group,
            "note": ln.note,
            "author": ln.author.username,
        }
        rows["link", ln.pk] = Row(
            ln.version,
            fields_of("link", data),
            ln.deleted_at is not None,
            ln.deleted_at,
            ln.target_link_id,
        )
    reviews = Review.all_objects.filter(tag__document_id=document_id).select_related("reviewer")
    for r in reviews:
        data = {
            "tag": r.tag_id,
            "reviewer": r.reviewer.username,
            "verdict": r.verdict,
            "comment": r.comment,
        }
        rows["review", r.pk] = Row(
            r.version, fields_of("review", data), r.deleted_at is not None, r.deleted_at
        )
    return rows


def invariants(rows: dict[Key, Row]) -> list[str]:
    """Rules across rows, for every link: a live link has live ends (tags and target link)."""
    problems = []
    for (entity, pk), row in sorted(rows.items()):
        if entity != "link" or row.deleted:
            continue
        source, target = row.fields[0], row.fields[1]
        ends = [("tag", source), ("tag", target), ("link", row.target_link)]
        for end in ends:
            if end[1] is None:
                continue
            if end not in rows:
                problems.append(f"link {pk}: live, but its {end[0]} {end[1]} is missing")
            elif rows[end].deleted:
                problems.append(
                    f"link {pk}: live, but its {end[0]} {end[1]} is deleted "
                    f"(since {rows[end].deleted_at})"
                )
    return problems
