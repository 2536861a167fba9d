"""Read an argument map in AIF JSON, as AIFdb serves it and OVA saves it, over its source text.

Accepted shapes: AIFdb's ``{"nodes": [...], "edges": [...], "locutions": [...]}`` and OVA's
wrapper ``{"AIF": {...}, "OVA": {...}, "text": ...}`` (``"aif"`` in lower case too). Node and
edge ids may be strings or numbers (``"12"`` and ``12`` are the same node).

How the map becomes tags and links:

- The document's paragraphs are the lines of the source text (blank lines left out). Without
  a source text, the text OVA keeps in its wrapper (``"text": {"txt": html}`` or a string) is
  used, split into paragraphs as an HTML import would.
- Each I-node becomes a tag anchored where its text occurs. Occurrences are used in reading
  order, so a sentence repeated in the map anchors to successive occurrences in the text; the
  exact text is preferred to one with other spacing, and whole words to a match inside a word.
  An I-node whose text does not occur in any one paragraph (after the earlier I-nodes with the
  same words took theirs) becomes an implicit statement. An I-node our own AIF export marks
  ``"implicit": true`` stays implicit.
- Kind: ``claimKind`` (our own exporter's key) when it names a kind. Otherwise an I-node that
  is a premise of an imported argument (it supports, attacks or undercuts) is ``evidence``,
  and any other I-node (a conclusion only, or unconnected) is a ``claim``.
- An RA-node becomes ``supports`` links from each premise to its conclusion, a CA-node
  ``attacks`` links. A node with several premises is one linked argument: its links share the
  group ``"RA 12"`` (the node's type and id). A CA-node whose conclusion is an RA- or CA-node
  undercuts that argument: its links undercut the link of the premise that its
  ``targetPremise`` names (our own exporter's key), or else the argument's first link (the
  link of the premise whose edge comes first in the file). An RA-node concluding in another
  scheme node (support for an inference) has no counterpart here and is skipped.
- L, YA, TA, MA and PA nodes (dialogue, rephrase, preference) and the edges that touch them
  are skipped and counted in the report, with the reason, as are repeated arguments.
- Times: ``timestamp`` ("YYYY-MM-DD HH:MM:SS", UTC) becomes the tag's (I-node) or the links'
  (scheme node) creation time.

Refused, with nothing imported, each problem named by node or edge id: a file that is not JSON
or not AIF, a node without id or type, ids used twice, an edge to a node that is not there,
an I-node without text, an edge joining two I-nodes, an RA- or CA-node without a premise or
with other than one conclusion, or with a statement that is its own premise and conclusion.
"""

import datetime
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, TextIO, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from annotator.paragraphs import parse_html
from claims.interchange.importers.source_text import (
    ImportNotes,
    ImportOptions,
    NoticeBoard,
    ParsedFile,
    Problems,
    SourceText,
    Span,
)
from claims.models import Relation, TagKind
from claims.snapshot import DocumentSnapshot, LinkRow, TagRow

#: The key our own AIF exporter keeps a tag's kind under (AIF readers ignore unknown keys).
KIND_KEY = "claimKind"
IMPLICIT_KEY = "implicit"
#: The key our own AIF exporter names an undercut's target link under, by the link's premise.
TARGET_PREMISE_KEY = "targetPremise"
#: Link.group's max_length.
GROUP_CHARS = 64

SCHEME_TYPES = {"RA": Relation.SUPPORTS.value, "CA": Relation.ATTACKS.value}
SKIPPED_TYPES = {
    "L": "locutions (who said what, when) belong to the dialogue, not to the map of the text",
    "YA": "illocutionary connections belong to the dialogue, not to the map of the text",
    "TA": "transitions between locutions belong to the dialogue, not to the map of the text",
    "MA": "a rephrase (one statement restating another) is neither support nor attack",
    "PA": "preferences between arguments have no counterpart here",
}


def _describe(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _node_id(value: object) -> str | None:
    """Return an id as a string ("12" for 12 or "12"), or None when it is not an id."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if text.strip() else None


def _time(node: dict) -> datetime.datetime | None:
    value = node.get("timestamp")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.strptime(value.strip() + " +0000", "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None
    # 1970-01-01 is our exporter's stand-in for "no time".
    return None if moment.year <= 1970 else moment


@dataclass
class _Scheme:
    """An RA- or CA-node with the I-nodes that point at it and what it points at."""

    node_id: str
    type: str
    premises: list[str] = field(default_factory=list)
    conclusions: list[str] = field(default_factory=list)


@dataclass
class _Graph:
    nodes: dict[str, dict]
    types: dict[str, str]
    schemes: dict[str, _Scheme]
    statements: list[str]  # I-node ids in file order


class AifImporter:
    """AIF JSON (AIFdb, OVA) over a source text (see the module)."""

    name: ClassVar[str] = "aif"
    media_type: ClassVar[str] = "application/json"
    label: ClassVar[str] = "AIF argument map (AIFdb or OVA JSON) over its text"
    extensions: ClassVar[tuple[str, ...]] = (".json", ".aif")

    def load(self, source: TextIO, options: ImportOptions | None = None) -> DocumentSnapshot:
        """Read the file into a snapshot (``read`` also gives what was skipped)."""
        return self.read(source, options or ImportOptions()).snapshot

    def read(self, source: TextIO, options: ImportOptions) -> ParsedFile:
        """Read the file over ``options.text`` (or OVA's own text) into a snapshot."""
        data = _parse_json(source.read())
        aif, wrapped_text = _unwrap(data)
        text = options.text if options.text is not None else wrapped_text
        problems = Problems()
        if not options.title.strip():
            problems.add("title", "Give the document a title.")
        if not options.author:
            problems.add("author", "Name the person the imported tags and links belong to.")
        if text is None:
            problems.add(
                "text",
                "An AIF file holds the statements but not the text they come from: give the "
                "source text.",
            )
        board = NoticeBoard()
        graph = _read_graph(aif, problems, board)
        problems.raise_if_any()
        source_text = SourceText(cast(str, text))  # raise_if_any() raised without one
        if not source_text.lines:
            raise ValidationError({"text": "The source text is empty."})
        return _Builder(graph, source_text, options, board).build()


def _parse_json(text: str) -> object:
    def refuse_constant(name: str) -> None:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise ValidationError({NON_FIELD_ERRORS: f"This is not valid JSON: {exc}."}) from exc


def _unwrap(data: object) -> tuple[dict, str | None]:
    """Return the AIF object and the text OVA keeps beside it (plain, one paragraph a line)."""
    not_aif = (
        "This is not AIF: expected an object with nodes and edges lists (AIFdb JSON), or an "
        "OVA file holding one under AIF"
    )
    if not isinstance(data, dict):
        raise ValidationError({NON_FIELD_ERRORS: f"{not_aif}, not {_describe(data)}."})
    inner = data.get("AIF", data.get("aif"))
    if isinstance(inner, dict):
        return inner, _wrapped_text(data.get("text"))
    if "nodes" not in data or "edges" not in data:
        raise ValidationError({NON_FIELD_ERRORS: f"{not_aif}."})
    return data, None


def _wrapped_text(value: object) -> str | None:
    if isinstance(value, dict):
        value = value.get("txt")
    if not isinstance(value, str) or not value.strip():
        return None
    return "\n".join(parse_html(value).paragraphs)


def _read_graph(aif: dict, problems: Problems, board: NoticeBoard) -> _Graph:
    """Check the nodes and edges and sort out what each scheme node joins."""
    nodes: dict[str, dict] = {}
    types: dict[str, str] = {}
    raw_nodes = aif.get("nodes")
    if not isinstance(raw_nodes, list):
        problems.add("nodes", f"This should be a list of nodes, not {_describe(raw_nodes)}.")
        raw_nodes = []
    for i, node in enumerate(raw_nodes):
        if not isinstance(node, dict):
            problems.add(f"nodes[{i}]", f"A node should be an object, not {_describe(node)}.")
            continue
        node_id = _node_id(node.get("nodeID"))
        if node_id is None:
            problems.add(f"nodes[{i}]", "This node has no nodeID (a string or a number).")
            continue
        place = f"node {node_id}"
        if node_id in nodes:
            problems.add(place, "Two nodes have this nodeID.")
            continue
        kind = node.get("type")
        if not isinstance(kind, str) or not kind.strip():
            problems.add(place, "This node has no type (I, RA, CA, L, YA, TA, MA, PA...).")
            continue
        kind = kind.strip().upper()
        if kind == "I":
            text = node.get("text")
            if not isinstance(text, str) or not text.strip():
                problems.add(place, "This I-node has no text.")
                continue
        nodes[node_id] = node
        types[node_id] = kind
    schemes = {n: _Scheme(n, t) for n, t in types.items() if t in SCHEME_TYPES}
    for node_id, kind in types.items():
        if kind not in SCHEME_TYPES and kind != "I":
            why = SKIPPED_TYPES.get(kind, f"nodes of type {kind} have no counterpart here")
            board.add(f"{kind} nodes", why, node_id)
    _read_edges(aif, nodes, types, schemes, problems, board)
    for scheme in schemes.values():
        place = f"node {scheme.node_id}"
        if not scheme.premises:
            problems.add(
                place,
                f"This {scheme.type}-node has no premise: no edge comes to it from an I-node.",
            )
        if len(scheme.conclusions) != 1:
            found = (
                "none"
                if not scheme.conclusions
                else f"{len(scheme.conclusions)} (nodes {', '.join(scheme.conclusions)})"
            )
            problems.add(
                place,
                f"An {scheme.type}-node needs exactly one conclusion (an edge from it to an "
                f"I-node or a scheme node); this one has {found}.",
            )
        elif scheme.conclusions[0] in scheme.premises:
            problems.add(
                place, f"Node {scheme.conclusions[0]} is both a premise and the conclusion here."
            )
    statements = [n for n, t in types.items() if t == "I"]
    return _Graph(nodes, types, schemes, statements)


def _read_edges(
    aif: dict,
    nodes: dict[str, dict],
    types: dict[str, str],
    schemes: dict[str, _Scheme],
    problems: Problems,
    board: NoticeBoard,
) -> None:
    raw_edges = aif.get("edges")
    if not isinstance(raw_edges, list):
        problems.add("edges", f"This should be a list of edges, not {_describe(raw_edges)}.")
        return
    seen: set[tuple[str, str]] = set()
    for i, edge in enumerate(raw_edges):
        if not isinstance(edge, dict):
            problems.add(f"edges[{i}]", f"An edge should be an object, not {_describe(edge)}.")
            continue
        edge_id = _node_id(edge.get("edgeID"))
        place = f"edge {edge_id}" if edge_id is not None else f"edges[{i}]"
        ends = []
        for key in ("fromID", "toID"):
            end = _node_id(edge.get(key))
            if end is None:
                problems.add(place, f"{key} should be a node id, not {_describe(edge.get(key))}.")
            elif end not in nodes:
                problems.add(place, f"{key} {end}: there is no node with this id.")
            else:
                ends.append(end)
        if len(ends) != 2:
            continue
        start, end = ends
        pair = (types[start], types[end])
        label = edge_id if edge_id is not None else f"{start}->{end}"
        if pair == ("I", "I"):
            problems.add(
                place,
                f"This edge joins two I-nodes ({start} -> {end}); AIF puts an RA-node (support) "
                "or a CA-node (attack) between them.",
            )
        elif (start, end) in seen:
            board.add("edges", "the same edge appears twice in the file", label)
        elif pair[0] == "I" and end in schemes:
            schemes[end].premises.append(start)
        elif start in schemes and (pair[1] == "I" or end in schemes):
            schemes[start].conclusions.append(end)
        else:
            board.add("edges", "they join nodes that were skipped", label)
        seen.add((start, end))


class _Builder:
    """Turns a checked graph into tag and link rows."""

    def __init__(
        self, graph: _Graph, text: SourceText, options: ImportOptions, board: NoticeBoard
    ) -> None:
        self.graph = graph
        self.text = text
        self.options = options
        self.skipped = board
        self.adjusted = NoticeBoard()
        self.links: list[LinkRow] = []
        self.link_places: list[str] = []
        #: The first link of each imported scheme node (what undercuts of it attack).
        self.first_link: dict[str, int] = {}
        #: (scheme node, premise node) -> the link from that premise (what targetPremise names).
        self.premise_link: dict[tuple[str, str], int] = {}
        #: (source tag, target, relation) -> (scheme node, link id), to find repeats.
        self.made: dict[tuple, tuple[str, int]] = {}
        self.premise_ids: set[str] = set()
        #: Where the last I-node with the same words was anchored (the next one goes after).
        self.cursors: dict[str, Span] = {}

    def build(self) -> ParsedFile:
        tag_ids = {node_id: i + 1 for i, node_id in enumerate(self.graph.statements)}
        self._links(tag_ids)
        tags = [self._tag(node_id, tag_ids[node_id]) for node_id in self.graph.statements]
        snapshot = DocumentSnapshot(
            id=None,
            title=self.options.title.strip(),
            paragraphs=self.text.paragraphs,
            tags=tuple(tags),
            links=tuple(self.links),
        )
        notes = ImportNotes(
            skipped=self.skipped.notices(),
            adjusted=self.adjusted.notices(),
            tag_places=tuple(f"node {n}" for n in self.graph.statements),
            link_places=tuple(self.link_places),
        )
        return ParsedFile(snapshot, notes)

    # --- links ---------------------------------------------------------------------------------

    def _links(self, tag_ids: dict[str, int]) -> None:
        """Make the links of every scheme node; undercuts once what they attack is made."""
        pending = list(self.graph.schemes.values())
        while pending:
            waiting = []
            for scheme in pending:
                target = scheme.conclusions[0]
                if target in tag_ids:
                    self._argument(scheme, tag_ids, target=tag_ids[target])
                elif scheme.type == "RA":
                    self.skipped.add(
                        "RA nodes",
                        "support for an inference or a conflict (an RA-node concluding in a "
                        "scheme node) has no counterpart here",
                        scheme.node_id,
                    )
                elif target in self.first_link:
                    self._argument(scheme, tag_ids, target_link=self._undercut_link(scheme))
                else:
                    waiting.append(scheme)
            if len(waiting) == len(pending):
                for scheme in waiting:
                    self.skipped.add(
                        "CA nodes",
                        "they attack an argument that was not imported",
                        scheme.node_id,
                    )
                break
            pending = waiting

    def _undercut_link(self, scheme: _Scheme) -> int:
        """Return the link an undercut attacks: its targetPremise's, or the argument's first."""
        target = scheme.conclusions[0]
        named = self.graph.nodes[scheme.node_id].get(TARGET_PREMISE_KEY)
        if named is None:
            return self.first_link[target]
        link = self.premise_link.get((target, _node_id(named) or ""))
        if link is None:
            self.adjusted.add(
                f"{scheme.type} nodes",
                f"their {TARGET_PREMISE_KEY} is not a premise of the argument they undercut, so "
                "they undercut its first link",
                scheme.node_id,
            )
            return self.first_link[target]
        return link

    def _argument(
        self,
        scheme: _Scheme,
        tag_ids: dict[str, int],
        *,
        target: int | None = None,
        target_link: int | None = None,
    ) -> None:
        relation = SCHEME_TYPES[scheme.type] if target_link is None else Relation.UNDERCUTS.value
        keys = [(tag_ids[p], target, target_link, relation) for p in scheme.premises]
        earlier = {self.made[key] for key in keys if key in self.made}
        if earlier:
            first_scheme, _ = min(earlier, key=lambda made: made[1])
            same = len(earlier) == len(keys) and {made[0] for made in earlier} == {first_scheme}
            if same and len(self.graph.schemes[first_scheme].premises) == len(keys):
                self.adjusted.add(
                    f"{scheme.type} nodes",
                    "they repeat an earlier argument (same premises, same conclusion) and "
                    "were merged into it",
                    scheme.node_id,
                )
                self.first_link[scheme.node_id] = self.first_link[first_scheme]
                for premise, key in zip(scheme.premises, keys, strict=True):
                    self.premise_link[scheme.node_id, premise] = self.made[key][1]
            else:
                self.skipped.add(
                    f"{scheme.type} nodes",
                    "a premise of theirs already bears on the same conclusion in another "
                    "argument, and a statement bears on a conclusion once",
                    scheme.node_id,
                )
            return
        group = ""
        if len(keys) > 1:
            group = f"{scheme.type} {scheme.node_id}"
            if len(group) > GROUP_CHARS:
                group = f"{scheme.type} #{len(self.first_link) + 1}"
        created = _time(self.graph.nodes[scheme.node_id])
        for premise, key in zip(scheme.premises, keys, strict=True):
            link_id = len(self.links) + 1
            self.links.append(
                LinkRow(
                    id=link_id,
                    source_id=key[0],
                    target_id=target,
                    target_link_id=target_link,
                    relation=relation,
                    group=group,
                    note="",
                    author=self.options.author,
                    created_at=created,
                    updated_at=created,
                )
            )
            self.link_places.append(f"node {scheme.node_id} (premise {premise})")
            self.made[key] = (scheme.node_id, link_id)
            self.first_link.setdefault(scheme.node_id, link_id)
            self.premise_link[scheme.node_id, premise] = link_id
            self.premise_ids.add(premise)

    # --- tags ----------------------------------------------------------------------------------

    def _tag(self, node_id: str, tag_id: int) -> TagRow:
        node = self.graph.nodes[node_id]
        statement = node["text"]
        kind = node.get(KIND_KEY)
        if kind not in TagKind.values:
            kind = TagKind.EVIDENCE if node_id in self.premise_ids else TagKind.CLAIM
        span = None if node.get(IMPLICIT_KEY) is True else self._anchor(node_id, statement)
        created = _time(node)
        common: dict[str, Any] = {
            "id": tag_id,
            "kind": str(kind),
            "note": "",
            "author": self.options.author,
            "created_at": created,
            "updated_at": created,
        }
        if span is None:
            return TagRow(
                paragraph_id=None,
                paragraph_position=None,
                start=None,
                end=None,
                quote=statement,
                prefix="",
                suffix="",
                **common,
            )
        prefix, suffix = self.text.context(span)
        return TagRow(
            paragraph_id=span.position,
            paragraph_position=span.position,
            start=span.start,
            end=span.end,
            quote=self.text.quote(span),
            prefix=prefix,
            suffix=suffix,
            **common,
        )

    def _anchor(self, node_id: str, statement: str) -> Span | None:
        """Find the statement's next unused occurrence in the text, or None."""
        key = " ".join(statement.split())
        after = self.cursors.get(key)
        for exact, whole_words in ((True, True), (True, False), (False, True), (False, False)):
            span = self.text.find(statement, after=after, exact=exact, whole_words=whole_words)
            if span is not None:
                break
        else:
            self.adjusted.add(
                "I-nodes",
                "their text does not occur in one paragraph of the source text (or all its "
                "occurrences were taken by earlier I-nodes), so they became implicit statements",
                node_id,
            )
            return None
        self.cursors[key] = span
        if not exact:
            self.adjusted.add(
                "I-nodes",
                "their text was found with different spacing; the tag quotes the source text",
                node_id,
            )
        if not whole_words:
            self.adjusted.add("I-nodes", "their text was found only inside a longer word", node_id)
        return span
