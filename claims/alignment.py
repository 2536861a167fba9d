"""Aligning annotators' tags and links: clusters of overlapping spans and the units of
disagreement between annotators. Pure and ORM-free, like :mod:`claims.agreement`.

**The clustering rule.** Within one paragraph, two span tags are joined when their ranges
share at least one character; a *cluster* is a connected component of that overlap graph,
whoever made the tags (so one annotator's tag that overlaps two of another's joins all three,
and overlaps chain: A overlaps B, B overlaps C puts A, B and C in one cluster even when A and
C do not touch). Every span tag is in exactly one cluster. A cluster's range is the union of
its tags' ranges, which is one unbroken range; clusters of a paragraph never overlap, so a
span finds its cluster by position alone.

**A cluster's category**, given everyone being compared (``annotators``), checked in order:

- ``missing``: someone has no tag in the cluster;
- ``kind-differs``: everyone has one, but the kinds they used differ (as sets);
- ``boundary-differs``: same kinds, but the tags (start, end, kind) differ;
- ``agreed``: everyone tagged exactly the same spans with the same kinds.

**Links are aligned** through the clusters of their ends: one annotator's link becomes
``(source cluster, target cluster, relation)``. A *link unit* is a pair (source cluster,
target cluster) that anyone linked; its category is ``missing`` (someone drew no link between
the two clusters), ``relation-differs`` (everyone did, with different relations) or ``agreed``.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

MISSING = "missing"
KIND_DIFFERS = "kind-differs"
BOUNDARY_DIFFERS = "boundary-differs"
RELATION_DIFFERS = "relation-differs"
AGREED = "agreed"
SPAN_CATEGORIES = (KIND_DIFFERS, MISSING, BOUNDARY_DIFFERS)
LINK_CATEGORIES = (RELATION_DIFFERS, MISSING)


class SpanLike(Protocol):
    """What clustering needs of a tag (``claims.agreement.Span`` is one)."""

    @property
    def annotator(self) -> str: ...
    @property
    def paragraph(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...


S = TypeVar("S", bound=SpanLike)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Cluster(Generic[S]):
    """Overlapping tags of one paragraph; ``[start, end)`` is the union of their ranges."""

    paragraph: int
    start: int
    end: int
    members: tuple[S, ...]  # in reading order: start, end, kind, annotator

    @property
    def key(self) -> tuple[int, int, int]:
        """Return (paragraph, start, end): unique among a document's clusters, and sortable."""
        return (self.paragraph, self.start, self.end)

    def annotators(self) -> set[str]:
        """Return who has a tag in the cluster."""
        return {m.annotator for m in self.members}

    def kinds(self) -> set[str]:
        """Return the kinds of the cluster's tags."""
        return {m.kind for m in self.members}


def clusters(spans: Iterable[S]) -> list[Cluster[S]]:
    """Group span tags into clusters (see the module docstring), in reading order."""
    by_paragraph: dict[int, list[S]] = defaultdict(list)
    for span in spans:
        by_paragraph[span.paragraph].append(span)
    out: list[Cluster[S]] = []
    for paragraph in sorted(by_paragraph):
        ordered = sorted(
            by_paragraph[paragraph], key=lambda s: (s.start, s.end, s.kind, s.annotator)
        )
        # Sweep by start: a tag that starts before the current union ends overlaps a member.
        group: list[S] = []
        reach = 0
        for span in ordered:
            if group and span.start >= reach:
                out.append(Cluster(paragraph, group[0].start, reach, tuple(group)))
                group = []
            if not group:
                reach = span.end
            group.append(span)
            reach = max(reach, span.end)
        if group:
            out.append(Cluster(paragraph, group[0].start, reach, tuple(group)))
    return out


def span_category(cluster: Cluster[S], annotators: Iterable[str]) -> str:
    """Name how the annotators differ in one cluster (see the module docstring)."""
    names = set(annotators) | cluster.annotators()
    if cluster.annotators() != names:
        return MISSING
    kinds: dict[str, set[str]] = defaultdict(set)
    spans: dict[str, set[tuple[int, int, str]]] = defaultdict(set)
    for m in cluster.members:
        kinds[m.annotator].add(m.kind)
        spans[m.annotator].add((m.start, m.end, m.kind))
    if len({frozenset(v) for v in kinds.values()}) > 1:
        return KIND_DIFFERS
    if len({frozenset(v) for v in spans.values()}) > 1:
        return BOUNDARY_DIFFERS
    return AGREED


class Locator:
    """Find the cluster of a span by paragraph and position (clusters never overlap)."""

    def __init__(self, found: Sequence[Cluster]) -> None:
        self._starts: dict[int, list[int]] = defaultdict(list)
        self._ranges: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for index, cluster in sorted(enumerate(found), key=lambda pair: pair[1].key):
            self._starts[cluster.paragraph].append(cluster.start)
            self._ranges[cluster.paragraph].append((cluster.end, index))

    def __call__(self, paragraph: int, start: int, end: int) -> int | None:
        """Return the index of the cluster holding ``[start, end)``, or None if none does."""
        at = bisect_right(self._starts.get(paragraph, []), start) - 1
        if at < 0:
            return None
        c_end, index = self._ranges[paragraph][at]
        return index if end <= c_end else None


@dataclass(frozen=True, slots=True)
class LinkUnit(Generic[K]):
    """Every annotator's links between one source cluster and one target cluster."""

    source: int  # an index into the clusters
    target: int
    links: tuple[tuple[str, str, K], ...]  # (annotator, relation, the caller's link key)

    def category(self, annotators: Iterable[str]) -> str:
        """Name how the annotators differ on this pair of clusters."""
        linked: dict[str, set[str]] = defaultdict(set)
        for annotator, relation, _ in self.links:
            linked[annotator].add(relation)
        if set(linked) != set(annotators) | set(linked):
            return MISSING
        if len({frozenset(v) for v in linked.values()}) > 1:
            return RELATION_DIFFERS
        return AGREED


def link_units(
    links: Iterable[K],
    ends: Callable[[K], tuple[str, str, int | None, int | None]],
) -> list[LinkUnit[K]]:
    """Group links by the clusters of their ends, in order of (source, target) cluster.

    ``ends(link)`` gives (annotator, relation, source cluster, target cluster); links with an
    end in no cluster (an implicit statement, an undercut) are left out.
    """
    grouped: dict[tuple[int, int], list[tuple[str, str, K]]] = defaultdict(list)
    for link in links:
        annotator, relation, source, target = ends(link)
        if source is None or target is None:
            continue
        grouped[(source, target)].append((annotator, relation, link))
    return [LinkUnit(s, t, tuple(grouped[(s, t)])) for s, t in sorted(grouped)]


def aligned_link_sets(
    links: Iterable[tuple[str, tuple[int, int, int], tuple[int, int, int], str]],
    locate: Locator,
) -> dict[str, set[tuple[int | tuple, int | tuple, str]]]:
    """Each annotator's links as (source cluster, target cluster, relation).

    An end in no cluster keeps its own (paragraph, start, end) so that it matches only the
    same span.
    """
    out: dict[str, set[tuple[int | tuple, int | tuple, str]]] = defaultdict(set)
    for annotator, source, target, relation in links:
        s = locate(*source)
        t = locate(*target)
        out[annotator].add((source if s is None else s, target if t is None else t, relation))
    return out
