"""Where the annotators of a document disagree, unit by unit, for curators to settle.

The units come from :mod:`claims.alignment` (span clusters, and links aligned through them);
this module reads the rows and says which units are still open:

- a **span cluster is settled** when every tag in it has a curator's decision (accepted or
  rejected); withdrawing one decision (``pending``) opens it again;
- a **link unit is settled** once some tag at its ends has a decision and the links that
  survive (both end tags not rejected) agree among the annotators who still have a tag at
  both ends (the same relations, or none for all of them).

The result is plain JSON-ready data: ``annotators``; ``results`` in reading order (a link
unit after the later of its two clusters), which name tags by id; and ``tags``, each tag the
results name described once (annotator, start, end, kind, decision, version), so that a unit
joining two busy passages does not repeat them.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from annotator.models import Document, Paragraph
from claims.alignment import (
    AGREED,
    LINK_CATEGORIES,
    SPAN_CATEGORIES,
    Cluster,
    LinkUnit,
    clusters,
    link_units,
    span_category,
)
from claims.models import Decision, Link, Tag, TagKind
from claims.selectors.scoped import blind_filter

User = AbstractBaseUser | AnonymousUser
KIND_CHOICES = tuple(TagKind.values)
CATEGORIES = tuple(dict.fromkeys((*SPAN_CATEGORIES, *LINK_CATEGORIES)))


@dataclass(frozen=True, slots=True)
class TagRow:
    """A span tag as the disagreements read it (``paragraph`` is the paragraph's position)."""

    id: int
    annotator: str
    paragraph: int
    start: int
    end: int
    kind: str
    decision: str
    version: int


@dataclass(frozen=True, slots=True)
class LinkRow:
    id: int
    annotator: str
    relation: str
    source: int  # tag ids
    target: int
    version: int


def _cluster_ref(cluster: Cluster[TagRow], paragraphs: dict[int, Paragraph]) -> dict[str, Any]:
    paragraph = paragraphs[cluster.paragraph]
    return {
        "id": f"p{cluster.paragraph}:{cluster.start}-{cluster.end}",
        "paragraph": paragraph.pk,
        "position": cluster.paragraph,
        "start": cluster.start,
        "end": cluster.end,
        "quote": paragraph.text[cluster.start : cluster.end],
    }


def _tag_entry(tag: TagRow) -> dict[str, Any]:
    return {
        "id": tag.id,
        "annotator": tag.annotator,
        "start": tag.start,
        "end": tag.end,
        "kind": tag.kind,
        "decision": tag.decision,
        "version": tag.version,
    }


def _main(tags: list[TagRow]) -> TagRow:
    """Pick the tag that stands for an annotator's version: the longest, then the first."""
    return min(tags, key=lambda t: (t.start - t.end, t.start, t.id))


def _link_settled(
    unit: LinkUnit[LinkRow], source: Cluster[TagRow], target: Cluster[TagRow]
) -> bool:
    ends = (*source.members, *target.members)
    if not any(t.decision for t in ends):
        return False
    rejected = {t.id for t in ends if t.decision == Decision.REJECTED}
    alive = {t.annotator for t in source.members if t.id not in rejected} & {
        t.annotator for t in target.members if t.id not in rejected
    }
    relations: dict[str, set[str]] = {name: set() for name in alive}
    for annotator, relation, link in unit.links:
        if annotator in alive and link.source not in rejected and link.target not in rejected:
            relations[annotator].add(relation)
    return len({frozenset(r) for r in relations.values()}) <= 1


def document_disagreements(
    document: Document,
    *,
    viewer: User | None = None,
    kinds: Collection[str] = (),
    annotator: str = "",
    categories: Collection[str] = (),
    settled: bool = False,
) -> dict[str, Any]:
    """List the document's units of disagreement, in three queries (see the module docstring).

    With ``viewer``, only the work a blind first pass lets that person see is compared.
    ``kinds`` keeps units with a tag of one of those kinds (a link unit: at either end);
    ``annotator`` keeps units where that person tagged or linked something; ``categories``
    keeps those categories; ``settled`` keeps settled units too (each item says which).
    """
    paragraphs = {p.position: p for p in Paragraph.objects.filter(document=document)}
    tag_rows = Tag.objects.filter(document=document, paragraph__isnull=False)
    link_rows = Link.objects.filter(source__document=document, target__isnull=False)
    if viewer is not None:
        tag_rows = tag_rows.filter(blind_filter(viewer, "document", "author_id"))
        link_rows = link_rows.filter(blind_filter(viewer, "source__document", "author_id"))
    # A tag in a paragraph has offsets (the check constraint).
    tags = {
        row[0]: TagRow(*row)  # type: ignore[arg-type]
        for row in tag_rows.order_by().values_list(
            "id",
            "author__username",
            "paragraph__position",
            "start",
            "end",
            "kind",
            "decision",
            "version",
        )
    }
    links = [
        LinkRow(*row)
        for row in link_rows.order_by("id").values_list(
            "id", "author__username", "relation", "source_id", "target_id", "version"
        )
        # A link into an implicit statement has no span to align.
        if row[3] in tags and row[4] in tags
    ]
    annotators = sorted({t.annotator for t in tags.values()} | {link.annotator for link in links})

    found = clusters(tags.values())
    cluster_of = {t.id: i for i, c in enumerate(found) for t in c.members}
    units = link_units(
        links,
        lambda link: (
            link.annotator,
            link.relation,
            cluster_of[link.source],
            cluster_of[link.target],
        ),
    )

    wanted_kinds = set(kinds)

    def wanted(category: str, is_settled: bool, kinds_here: set[str], names: set[str]) -> bool:
        return (
            (settled or not is_settled)
            and (not categories or category in categories)
            and (not wanted_kinds or bool(kinds_here & wanted_kinds))
            and (not annotator or annotator in names)
        )

    items: list[tuple[tuple, dict[str, Any]]] = []
    shown: set[int] = set()  # the tags the items name, described once under "tags"
    for cluster in found:
        category = span_category(cluster, annotators)
        is_settled = all(t.decision for t in cluster.members)
        if category == AGREED or not wanted(
            category, is_settled, cluster.kinds(), cluster.annotators()
        ):
            continue
        by_annotator: dict[str, list[TagRow]] = defaultdict(list)
        for tag in cluster.members:
            by_annotator[tag.annotator].append(tag)
        entries: dict[str, dict[str, Any]] = {}
        for name in annotators:
            own = by_annotator.get(name)
            main = _main(own) if own else None
            entries[name] = {
                "tag": main.id if main else None,
                "kind": main.kind if main else None,
                "tags": [t.id for t in own or ()],
            }
        shown.update(t.id for t in cluster.members)
        item = {
            "type": "span",
            **_cluster_ref(cluster, paragraphs),
            "annotators": entries,
            "category": category,
            "settled": is_settled,
        }
        items.append(((*cluster.key, 0), item))

    for unit in units:
        category = unit.category(annotators)
        if category == AGREED:
            continue
        source, target = found[unit.source], found[unit.target]
        is_settled = _link_settled(unit, source, target)
        by_name: dict[str, list[LinkRow]] = defaultdict(list)
        for name, _, link in unit.links:
            by_name[name].append(link)
        if not wanted(category, is_settled, source.kinds() | target.kinds(), set(by_name)):
            continue
        link_entries: dict[str, dict[str, Any]] = {}
        for name in annotators:
            own_links = by_name.get(name, [])
            link_entries[name] = {
                "link": own_links[0].id if own_links else None,
                "relation": own_links[0].relation if own_links else None,
                "links": [
                    {
                        "id": link.id,
                        "relation": link.relation,
                        "source": link.source,
                        "target": link.target,
                    }
                    for link in own_links
                ],
            }
        source_ref = _cluster_ref(source, paragraphs) | {"tags": [t.id for t in source.members]}
        target_ref = _cluster_ref(target, paragraphs) | {"tags": [t.id for t in target.members]}
        shown.update(t.id for t in (*source.members, *target.members))
        item = {
            "type": "link",
            "id": f"{source_ref['id']}>{target_ref['id']}",
            "source_cluster": source_ref,
            "target_cluster": target_ref,
            "annotators": link_entries,
            "category": category,
            "settled": is_settled,
        }
        later = max(source.key, target.key)
        items.append(((*later, 1, *min(source.key, target.key)), item))

    items.sort(key=lambda pair: pair[0])
    results = [item for _, item in items]
    described = {str(pk): _tag_entry(tags[pk]) for pk in sorted(shown)}
    return {"annotators": annotators, "tags": described, "results": results}
