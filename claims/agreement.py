"""Agreement between annotators of one document: span F1, Cohen's kappa, Krippendorff's alpha.

Pure and ORM-free: the caller turns tags and links into :class:`Span` and :class:`LinkSpan`
rows and passes each paragraph's length in code points; :func:`agreement` returns plain
JSON-ready data in the shape ``GET /api/documents/{id}/agreement/`` promises::

    {"annotators": ["alice", "bob"],
     "pairs": [{"a": "alice", "b": "bob",
                "span_precision_exact": x, "span_recall_exact": x, "span_f1_exact": x,
                "span_precision_overlap": x, "span_recall_overlap": x, "span_f1_overlap": x,
                "cohen_kappa": x,
                "link_precision": x, "link_recall": x, "link_f1": x,
                "link_precision_aligned": x, "link_recall_aligned": x, "link_f1_aligned": x}],
     "overall": {"krippendorff_alpha": x, "span_f1_exact": x, "span_f1_overlap": x,
                 "link_f1": x, "link_f1_aligned": x},
     "by_kind": {"claim": {"krippendorff_alpha": x, "span_f1_exact": x, "span_f1_overlap": x,
                           "pairs": [{"a": ..., "b": ..., <the span_* keys>, "cohen_kappa": x}]},
                 ...}}

Every measure is a float or ``None``. **A measure ``m`` that is ``None`` always has a sibling
``m_reason``** (``"cohen_kappa_reason"``, ``"krippendorff_alpha_reason"``,
``"span_precision_exact_reason"``...), a sentence for people; a measure with a value has no
``_reason`` key. The sentences are the ``REASON_*`` constants below (those about spans name
the kind inside ``by_kind``: "neither annotator tagged an evidence span"):

- any overall measure with fewer than two annotators: ``REASON_FEWER_THAN_TWO``;
- kappa or alpha when the paragraphs have no characters: ``REASON_NO_TEXT``; when every
  character got the same label: ``REASON_KAPPA_UNDEFINED`` / ``REASON_ALPHA_UNDEFINED``;
- span (link) precision when ``b`` has none: ``REASON_B_NO_SPANS`` (``_LINKS``); recall when
  ``a`` has none: ``REASON_A_NO_SPANS`` (``_LINKS``); a pair's F1 when neither has any:
  ``REASON_PAIR_NO_SPANS`` (``_LINKS``); overall F1 when nobody has any:
  ``REASON_NOBODY_SPANS`` (``_LINKS``).

``overall["link_f1"]`` goes beyond the shape the issue names; nothing else is missing from it.

Definitions:

- **Pairs** are every two annotators, ``a`` before ``b`` in sorted order. Annotators are
  everyone with a span or a link, plus any names passed in ``annotators``. Precision and recall
  take ``a`` as the reference and ``b`` as the prediction, so swapping them swaps the two; F1
  is ``2 * matches / (|A| + |B|)``, symmetric, 0 when only one of them tagged anything, and
  undefined only when neither did.
- **Exact span match**: same paragraph, start, end and kind. **Overlap match**: same
  paragraph and kind and intersecting ranges, matched one to one, greedily by largest overlap
  (ties by position), so one long span cannot match several short ones. Greedy is not always
  the maximum matching, but it is deterministic and close in practice.
- **Overall span F1** is the micro-average over all pairs: ``2 * sum(matches) / sum(|A| + |B|)``,
  so a pair that tagged much weighs more than one that tagged little.
- **Per-character labels**: each character (code point) of each paragraph gets, per
  annotator, the kind of a tag covering it, or ``"none"``. Where tags of different kinds
  overlap, the kind that comes first in ``kinds`` wins (claim over evidence over opinion by
  default). Inside ``by_kind`` the labels are binary (covered by a tag of that kind or not),
  so there an overlap counts for every kind that covers the character.
- **Cohen's kappa** (per pair) over those labels for all characters of all paragraphs;
  undefined when expected agreement is 1 (both annotators gave every character one same label).
- **Krippendorff's alpha** (nominal, over the same labels, all annotators at once), computed by
  the ``krippendorff`` package; undefined with fewer than two annotators or when every
  annotator gave every character the same label.
- **Link F1** per pair over (source span, target span, relation), exact match; overall it is
  micro-averaged like span F1. Links have no kind, so ``by_kind`` has no link measures.
- **Aligned link F1** (``link_*_aligned``) is the same over (source cluster, target cluster,
  relation), the clusters of :mod:`claims.alignment` taken over every annotator's spans (the
  same alignment as the disagreements): two links whose ends overlap the same way match
  though their spans differ by a word. An annotator's links that align to the same triple
  count once.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import krippendorff
import numpy as np

from claims.alignment import Locator, aligned_link_sets, clusters
from claims.kinds import KINDS, plural_of

DEFAULT_KINDS = tuple(k.value for k in KINDS)

REASON_FEWER_THAN_TWO = "fewer than two annotators, so there is nothing to compare"
REASON_NO_TEXT = "the document has no characters to label"
REASON_KAPPA_UNDEFINED = "both annotators labelled every character the same way (kappa undefined)"
REASON_ALPHA_UNDEFINED = "every annotator labelled every character the same way (alpha undefined)"
REASON_PAIR_NO_SPANS = "neither annotator tagged {a_span}"
REASON_B_NO_SPANS = "annotator b tagged no {span}, so precision is undefined"
REASON_A_NO_SPANS = "annotator a tagged no {span}, so recall is undefined"
REASON_NOBODY_SPANS = "no annotator tagged {a_span}"
REASON_PAIR_NO_LINKS = "neither annotator made a link"
REASON_B_NO_LINKS = "annotator b made no link, so precision is undefined"
REASON_A_NO_LINKS = "annotator a made no link, so recall is undefined"
REASON_NOBODY_LINKS = "no annotator made a link"

#: Landis & Koch (1977): upper bounds of the bands from 0 up, checked in order; below 0 is poor.
BANDS = (
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
)


@dataclass(frozen=True, slots=True)
class Span:
    """One annotator's tag: ``[start, end)`` in code points of a paragraph, of one kind."""

    annotator: str
    paragraph: int  # a key of ``paragraph_lengths`` (position or id; the caller chooses)
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class LinkSpan:
    """One annotator's link; source and target are ``(paragraph, start, end)``."""

    annotator: str
    source: tuple[int, int, int]
    target: tuple[int, int, int]
    relation: str


Measure = dict[str, Any]
#: A span without its annotator, so that two annotators' spans compare: (paragraph, start,
#: end, kind).
_Key = tuple[int, int, int, str]


def _put(out: Measure, key: str, value: float | None, reason: str) -> None:
    """Set ``out[key]``, adding ``key_reason`` when the value is undefined."""
    out[key] = value
    if value is None:
        out[f"{key}_reason"] = reason


def _span_words(kind: str | None) -> dict[str, str]:
    """Fill the ``{span}`` and ``{a_span}`` of a reason: "evidence span", "an evidence span"."""
    span = "span" if kind is None else f"{kind} span"
    return {"span": span, "a_span": f"{'an' if span[0] in 'aeiou' else 'a'} {span}"}


def _prf(matches: int, n_a: int, n_b: int, prefix: str, suffix: str, kind: str | None) -> Measure:
    """Precision (``a`` as reference), recall and F1 with their reasons when undefined."""
    words = _span_words(kind)
    out: Measure = {}
    if prefix == "link":
        reasons = (REASON_B_NO_LINKS, REASON_A_NO_LINKS, REASON_PAIR_NO_LINKS)
    else:
        reasons = (
            REASON_B_NO_SPANS.format(**words),
            REASON_A_NO_SPANS.format(**words),
            REASON_PAIR_NO_SPANS.format(**words),
        )
    _put(out, f"{prefix}_precision{suffix}", matches / n_b if n_b else None, reasons[0])
    _put(out, f"{prefix}_recall{suffix}", matches / n_a if n_a else None, reasons[1])
    total = n_a + n_b
    _put(out, f"{prefix}_f1{suffix}", 2 * matches / total if total else None, reasons[2])
    return out


def _overlap_matches(spans_a: Iterable[_Key], spans_b: Iterable[_Key]) -> int:
    """Count one-to-one matches of intersecting spans, greedily by largest overlap."""
    groups_b: dict[tuple[int, str], list[_Key]] = defaultdict(list)
    for key in spans_b:
        groups_b[(key[0], key[3])].append(key)
    groups_a: dict[tuple[int, str], list[_Key]] = defaultdict(list)
    for key in spans_a:
        groups_a[(key[0], key[3])].append(key)
    matches = 0
    for group, group_a in groups_a.items():
        group_b = groups_b.get(group)
        if not group_b:
            continue
        # Every intersecting pair at once: overlap[i, j] = min(ends) - max(starts).
        starts_a = np.array([key[1] for key in group_a], dtype=np.int64)
        ends_a = np.array([key[2] for key in group_a], dtype=np.int64)
        starts_b = np.array([key[1] for key in group_b], dtype=np.int64)
        ends_b = np.array([key[2] for key in group_b], dtype=np.int64)
        overlap = np.minimum.outer(ends_a, ends_b) - np.maximum.outer(starts_a, starts_b)
        rows, cols = np.nonzero(overlap > 0)
        # Largest overlap first, ties by position (a's start and end, then b's): np.lexsort
        # sorts by its last key first.
        order = np.lexsort(
            (
                ends_b[cols],
                starts_b[cols],
                ends_a[rows],
                starts_a[rows],
                -overlap[rows, cols],
            )
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
            if i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                matches += 1
    return matches


def _kappa(labels_a: np.ndarray, labels_b: np.ndarray, n_values: int) -> float | None:
    """Cohen's kappa of two label vectors (codes ``0..n_values-1``), in exact integers."""
    n = int(labels_a.size)
    confusion = np.bincount(
        labels_a.astype(np.int64) * n_values + labels_b, minlength=n_values * n_values
    ).reshape(n_values, n_values)
    observed = int(np.trace(confusion))
    # kappa = (p_o - p_e) / (1 - p_e) with p_o = observed / n and p_e = chance / n**2.
    chance = int((confusion.sum(axis=1) * confusion.sum(axis=0)).sum())
    if chance == n * n:
        return None
    return (n * observed - chance) / (n * n - chance)


def _alpha(value_counts: np.ndarray) -> float | None:
    """Nominal alpha from per-character value counts (shape characters x values)."""
    present = value_counts.sum(axis=0) > 0
    if int(present.sum()) < 2:
        return None
    return float(
        krippendorff.alpha(value_counts=value_counts[:, present], level_of_measurement="nominal")
    )


def _check_inputs(
    spans: Sequence[Span], paragraph_lengths: dict[int, int], kinds: Sequence[str]
) -> None:
    if not kinds or len(set(kinds)) != len(kinds):
        raise ValueError(f"kinds must be distinct and not empty, not {list(kinds)!r}.")
    for span in spans:
        if span.kind not in kinds:
            raise ValueError(f"{span!r}: kind must be one of {', '.join(kinds)}.")
        length = paragraph_lengths.get(span.paragraph)
        if length is None:
            raise ValueError(f"{span!r}: no length given for paragraph {span.paragraph}.")
        if not 0 <= span.start < span.end <= length:
            raise ValueError(
                f"{span!r}: need 0 <= start < end <= {length}, the paragraph's length."
            )


def _coverage(
    spans: Sequence[Span],
    annotators: Sequence[str],
    paragraph_lengths: dict[int, int],
    kinds: Sequence[str],
) -> np.ndarray:
    """Boolean array (annotator, kind, character) over all paragraphs laid end to end."""
    offsets: dict[int, int] = {}
    total = 0
    for key in sorted(paragraph_lengths):
        offsets[key] = total
        total += paragraph_lengths[key]
    a_index = {name: i for i, name in enumerate(annotators)}
    k_index = {kind: i for i, kind in enumerate(kinds)}
    rows = len(annotators) * len(kinds)
    row = np.fromiter(
        (a_index[s.annotator] * len(kinds) + k_index[s.kind] for s in spans), np.int64, len(spans)
    )
    start = np.fromiter((offsets[s.paragraph] + s.start for s in spans), np.int64, len(spans))
    end = np.fromiter((offsets[s.paragraph] + s.end for s in spans), np.int64, len(spans))
    # Difference arrays: +1 where a span starts, -1 where it ends; a running sum > 0 is covered.
    diff = np.zeros((rows, total + 1), dtype=np.int32)
    np.add.at(diff, (row, start), 1)
    np.add.at(diff, (row, end), -1)
    covered = np.cumsum(diff[:, :total], axis=1) > 0
    return covered.reshape(len(annotators), len(kinds), total)


def agreement(
    spans: Iterable[Span],
    links: Iterable[LinkSpan],
    paragraph_lengths: dict[int, int],
    kinds: Sequence[str] = DEFAULT_KINDS,
    *,
    annotators: Iterable[str] = (),
) -> dict[str, Any]:
    """Compare annotators' spans, per-character labels and links; see the module docstring.

    Raise ``ValueError`` for a span of an unknown kind or outside its paragraph.
    """
    spans = list(dict.fromkeys(spans))  # the same tag twice is one tag
    links = list(dict.fromkeys(links))
    kinds = tuple(kinds)
    _check_inputs(spans, paragraph_lengths, kinds)
    names = sorted(
        {*annotators, *(s.annotator for s in spans), *(link.annotator for link in links)}
    )
    pairs = list(combinations(names, 2))
    index = {name: i for i, name in enumerate(names)}

    by_annotator: dict[str, set[_Key]] = {name: set() for name in names}
    for span in spans:
        by_annotator[span.annotator].add((span.paragraph, span.start, span.end, span.kind))
    links_of: dict[str, set[tuple]] = {name: set() for name in names}
    for link in links:
        links_of[link.annotator].add((link.source, link.target, link.relation))

    covered = _coverage(spans, names, paragraph_lengths, kinds)  # (A, K, N)
    n_chars = covered.shape[2]
    n_kinds = len(kinds)
    # Label 0 is "none", 1 + i is kinds[i]; painting the last kind first lets the first win.
    labels = np.zeros((len(names), n_chars), dtype=np.int64)
    for k in reversed(range(n_kinds)):
        labels[covered[:, k, :]] = k + 1

    def spans_of(name: str, kind: str | None) -> set[_Key]:
        own = by_annotator[name]
        return own if kind is None else {key for key in own if key[3] == kind}

    def pair_measures(kind: str | None) -> tuple[list[Measure], Measure]:
        rows: list[Measure] = []
        sums = {"exact": [0, 0], "overlap": [0, 0]}  # [matches, |A| + |B|] over pairs
        for a, b in pairs:
            spans_a, spans_b = spans_of(a, kind), spans_of(b, kind)
            row: Measure = {"a": a, "b": b}
            for suffix, matches in (
                ("exact", len(spans_a & spans_b)),
                ("overlap", _overlap_matches(spans_a, spans_b)),
            ):
                row |= _prf(matches, len(spans_a), len(spans_b), "span", f"_{suffix}", kind)
                sums[suffix][0] += matches
                sums[suffix][1] += len(spans_a) + len(spans_b)
            i, j = index[a], index[b]
            if n_chars == 0:
                _put(row, "cohen_kappa", None, REASON_NO_TEXT)
            elif kind is None:
                kappa = _kappa(labels[i], labels[j], n_kinds + 1)
                _put(row, "cohen_kappa", kappa, REASON_KAPPA_UNDEFINED)
            else:
                k = kinds.index(kind)
                kappa = _kappa(covered[i, k].astype(np.int64), covered[j, k].astype(np.int64), 2)
                _put(row, "cohen_kappa", kappa, REASON_KAPPA_UNDEFINED)
            rows.append(row)
        summary: Measure = {}
        for suffix, (matches, total) in sums.items():
            reason = REASON_NOBODY_SPANS.format(**_span_words(kind))
            if not pairs:
                reason = REASON_FEWER_THAN_TWO
            _put(summary, f"span_f1_{suffix}", 2 * matches / total if total else None, reason)
        return rows, summary

    def alpha_of(value_counts: np.ndarray) -> Measure:
        out: Measure = {}
        if len(names) < 2:
            _put(out, "krippendorff_alpha", None, REASON_FEWER_THAN_TWO)
        elif n_chars == 0:
            _put(out, "krippendorff_alpha", None, REASON_NO_TEXT)
        else:
            _put(out, "krippendorff_alpha", _alpha(value_counts), REASON_ALPHA_UNDEFINED)
        return out

    # Value counts per character: how many annotators gave it each label.
    overall_counts = (labels[:, :, None] == np.arange(n_kinds + 1)).sum(axis=0)
    pair_rows, span_summary = pair_measures(None)
    aligned = aligned_link_sets(
        ((link.annotator, link.source, link.target, link.relation) for link in links),
        Locator(clusters(spans)),
    )
    link_sums = {"": [0, 0], "_aligned": [0, 0]}
    for row, (a, b) in zip(pair_rows, pairs, strict=True):
        for suffix, links_a, links_b in (
            ("", links_of[a], links_of[b]),
            ("_aligned", aligned[a], aligned[b]),
        ):
            matches = len(links_a & links_b)
            row |= _prf(matches, len(links_a), len(links_b), "link", suffix, None)
            link_sums[suffix][0] += matches
            link_sums[suffix][1] += len(links_a) + len(links_b)
    overall: Measure = alpha_of(overall_counts) | span_summary
    for suffix, (matches, total) in link_sums.items():
        _put(
            overall,
            f"link_f1{suffix}",
            2 * matches / total if total else None,
            REASON_NOBODY_LINKS if pairs else REASON_FEWER_THAN_TWO,
        )

    by_kind: dict[str, Measure] = {}
    for k, kind in enumerate(kinds):
        yes = covered[:, k, :].sum(axis=0)
        kind_rows, kind_summary = pair_measures(kind)
        by_kind[kind] = (
            alpha_of(np.stack([len(names) - yes, yes], axis=1))
            | kind_summary
            | {"pairs": kind_rows}
        )

    return {"annotators": names, "pairs": pair_rows, "overall": overall, "by_kind": by_kind}


def reading(value: float | None) -> str:
    """Name the Landis & Koch band of a kappa or alpha: "substantial agreement".

    The bands are given to two decimals (0.21-0.40 is fair), so the value is rounded to two
    decimals first; the band then always matches the figure :func:`summary` prints.
    """
    if value is None:
        return "agreement not defined"
    value = round(value, 2)
    if value < 0:
        return "poor agreement"
    for upper, band in BANDS:
        if value <= upper:
            return f"{band} agreement"
    return "almost perfect agreement"


def summary(result: dict[str, Any]) -> list[str]:
    """Say in a sentence per line how far annotators agree, overall and per kind, by alpha."""
    lines = []
    sections = [("all kinds", result["overall"])] + [
        (plural_of(kind), measures) for kind, measures in result["by_kind"].items()
    ]
    for label, measures in sections:
        value = measures["krippendorff_alpha"]
        if value is None:
            lines.append(f"{label}: {reading(None)} — {measures['krippendorff_alpha_reason']}")
        else:
            shown = round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
            lines.append(f"{label}: {reading(value)} (alpha {shown:.2f})")
    return lines
