"""The consensus of k annotators as a document snapshot (pure: no ORM).

Tags are clustered by :mod:`claims.alignment` (tags sharing a character in a paragraph,
transitively). Then:

- a **node** for each pair (cluster, kind) that at least ``k`` annotators tagged; its passage is
  the longest stretch of the paragraph that at least ``k`` of them covered with a tag of that
  kind (with ``k = 1`` the union of their tags, with ``k`` = everyone the intersection); where
  no character reaches ``k`` (overlaps that only chain), the stretch covered by the most;
- an **edge** for each (source node, target node, relation) that at least ``k`` annotators
  drew, a link being counted at the nodes of its ends' (cluster, kind).

Implicit statements and undercuts have no span to align and are left out. A node takes the
smallest id of the tags it stands for and an edge the smallest id of its links, so ids stay
those of real tags and links (the map links each node to a passage); ``author`` lists the
annotators who agree, comma separated. Because the result is a ``DocumentSnapshot``, every map
export format takes it as it is.
"""

from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import pairwise

from claims.alignment import clusters
from claims.snapshot import DocumentSnapshot, LinkRow, TagRow

CONTEXT = 32  # characters of context kept on each side, as tags keep them


@dataclass(frozen=True, slots=True)
class _Span:
    """A tag as the clustering reads it."""

    annotator: str
    paragraph: int
    start: int
    end: int
    kind: str
    id: int


def _core(ranges_by_annotator: dict[str, list[tuple[int, int]]], k: int) -> tuple[int, int]:
    """Return the longest stretch covered by at least ``k`` annotators (or by the most)."""
    events: dict[int, int] = defaultdict(int)
    for ranges in ranges_by_annotator.values():
        # One annotator's overlapping tags count once: merge them first.
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            events[start] += 1
            events[end] -= 1
    points = sorted(events)
    runs: list[tuple[int, int, int]] = []  # (coverage, start, end) of each stretch
    depth = 0
    for here, after in pairwise(points):
        depth += events[here]
        if depth > 0:
            runs.append((depth, here, after))
    need = min(k, max(depth for depth, _, _ in runs))
    best: tuple[int, int] | None = None
    current: tuple[int, int] | None = None
    for depth, start, end in runs:
        if depth < need:
            current = None
            continue
        current = (current[0], end) if current and current[1] == start else (start, end)
        if best is None or current[1] - current[0] > best[1] - best[0]:
            best = current
    # Some stretch always reaches the highest coverage, so best is set.
    return best or (0, 0)


def consensus_snapshot(snapshot: DocumentSnapshot, k: int) -> DocumentSnapshot:
    """Return the nodes and edges at least ``k`` annotators agree on (module docstring)."""
    if k < 1:
        raise ValueError(f"consensus needs k of 1 or more, not {k}.")
    texts = {p.position: p.text for p in snapshot.paragraphs}
    spans = [
        _Span(t.author, t.paragraph_position, t.start, t.end, t.kind, t.id)
        for t in snapshot.tags
        if t.paragraph_position is not None and t.start is not None and t.end is not None
    ]
    node_of: dict[int, tuple[int, str]] = {}  # tag id -> (cluster index, kind)
    members: dict[tuple[int, str], list[_Span]] = defaultdict(list)
    for index, cluster in enumerate(clusters(spans)):
        for span in cluster.members:
            node_of[span.id] = (index, span.kind)
            members[(index, span.kind)].append(span)

    nodes: dict[tuple[int, str], TagRow] = {}
    for key, tags in members.items():
        ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for span in tags:
            ranges[span.annotator].append((span.start, span.end))
        if len(ranges) < k:
            continue
        start, end = _core(ranges, k)
        position = tags[0].paragraph
        text = texts.get(position, "")
        paragraph_id = next(
            (p.id for p in snapshot.paragraphs if p.position == position), tags[0].paragraph
        )
        nodes[key] = TagRow(
            id=min(span.id for span in tags),
            paragraph_id=paragraph_id,
            paragraph_position=position,
            start=start,
            end=end,
            quote=text[start:end],
            prefix=text[max(0, start - CONTEXT) : start],
            suffix=text[end : end + CONTEXT],
            kind=key[1],
            note="",
            author=", ".join(sorted(ranges)),
        )

    drawn: dict[tuple[tuple[int, str], tuple[int, str], str], list[LinkRow]] = defaultdict(list)
    for link in snapshot.links:
        if link.target_id is None:
            continue  # an undercut points at a link, not a passage
        source, target = node_of.get(link.source_id), node_of.get(link.target_id)
        if source is None or target is None or source == target:
            continue
        drawn[(source, target, link.relation)].append(link)
    edges = []
    for (source, target, relation), links in drawn.items():
        annotators = sorted({link.author for link in links})
        if len(annotators) < k or source not in nodes or target not in nodes:
            continue
        edges.append(
            LinkRow(
                id=min(link.id for link in links),
                source_id=nodes[source].id,
                target_id=nodes[target].id,
                relation=relation,
                note="",
                author=", ".join(annotators),
            )
        )
    ordered = sorted(nodes.values(), key=lambda t: (t.paragraph_position, t.start, t.end, t.id))
    return replace(
        snapshot,
        title=f"{snapshot.title} (consensus of {k})",
        tags=tuple(ordered),
        links=tuple(sorted(edges, key=lambda e: e.id)),
        reviews=(),
    )
