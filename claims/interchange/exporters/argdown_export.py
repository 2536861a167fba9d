"""Argdown (argdown.org): the argument map as text that the Argdown tools parse and draw.

The document's title is the heading. Each tag is a statement ``[Title]: text #kind``, defined
once under ``## Statements``; an implicit statement also carries ``#implicit``. Titles come from
the kind and the first words of the text (``[Claim: India and China agreed to cooperate]``);
when two would be the same, both get the tag id (``(tag 11)``). Notes become ``//`` comments
above what they annotate.

Under ``## Relations``, an argument of one premise is written as an Argdown relation below its
target: ``<+ [Premise]`` (supports) or ``<- [Premise]`` (attacks). An argument that needs more
than a relation is reconstructed under ``## Arguments`` as a premise-conclusion structure named
after its first link (``<Support 21>``): a linked argument (premises that work only together),
and any argument that is undercut, since an undercut attacks the inference of an argument. The
conclusion of a support is its target; an attack concludes ``[Against <target title>]``, which
attacks the target, and an undercut concludes ``[Against <argument title>]``, which undercuts
that argument's inference (Argdown's ``_>``). An undercut of one premise is written
``<_ [Premise]`` below the argument it attacks. Argdown keeps relations as a set, so the same
relation drawn by two people appears once.

Text is put on one line (runs of white space become one space) and every character Argdown would
read as markup is escaped with a backslash, so the parser gives the text back as it was.
"""

import html
import re
from collections import Counter, defaultdict
from typing import ClassVar, TextIO

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import Argument, ArgumentMap, MapNode, validate
from claims.argmap.text import shorten
from claims.snapshot import DocumentSnapshot

KIND_TITLES = {"claim": "Claim", "evidence": "Evidence", "opinion": "Opinion"}
ARGUMENT_TITLES = {"supports": "Support", "attacks": "Attack", "undercuts": "Undercut"}
TITLE_WORDS = 6
TITLE_CHARS = 60
#: Start a token wherever they stand: statements, arguments, tags, emphasis, data, escapes.
_ALWAYS = frozenset("\\[<#*_{}")
_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")
_BREAK = re.compile(r"<(?:br|/p|/li|/h\d|/blockquote|/pre)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")


def one_line(text: str) -> str:
    """Collapse every run of white space (line breaks included) to one space."""
    return " ".join(text.split())


def escape(text: str) -> str:
    """Return ``text`` on one line with every character Argdown reads as markup escaped."""
    text = one_line(text)
    out = []
    for i, char in enumerate(text):
        if char in _ALWAYS:
            out.append("\\" + char)
        elif char == "/" and text[i + 1 : i + 2] in ("/", "*"):
            out.append("\\/")  # "//" and "/*" start comments
        elif char in ".:" and char in text[i + 2 :].split(" ", 1)[0]:
            # ".x." and ":x:" are shortcodes (":smile:" becomes an emoji); escaping the
            # opening character of every such pair leaves none.
            out.append("\\" + char)
        elif char == "=" and "===" in text[max(0, i - 2) : i + 3]:
            out.append("\\=")  # "===" opens YAML front matter
        else:
            out.append(char)
    return "".join(out)


def plain_note(note: str) -> list[str]:
    """Return a sanitised HTML note as lines of plain text (for comments)."""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", note)))
    return [one_line(line) for line in text.splitlines() if line.strip()]


def _comments(note: str, indent: str = "") -> list[str]:
    return [f"{indent}// {line}" for line in plain_note(note)]


def statement_titles(nodes: tuple[MapNode, ...]) -> dict[int, str]:
    """Name each node from its kind and first words; names used twice get the tag id."""
    base = {}
    for node in nodes:
        kind = KIND_TITLES.get(node.kind, node.kind.capitalize())
        words = " ".join(_WORD.findall(node.text)[:TITLE_WORDS])
        base[node.id] = shorten(f"{kind}: {words}", TITLE_CHARS) if words else f"{kind} {node.id}"
    used = Counter(base.values())
    return {
        node_id: f"{title} (tag {node_id})" if used[title] > 1 else title
        for node_id, title in base.items()
    }


def argdown_text(snapshot: DocumentSnapshot) -> str:
    """Return the snapshot's argument map as an Argdown document (see the module)."""
    m = map_from_snapshot(snapshot)
    validate(m)
    return _Writer(m, snapshot).text()


class _Writer:
    def __init__(self, m: ArgumentMap, snapshot: DocumentSnapshot) -> None:
        self.m = m
        self.snapshot = snapshot
        self.notes = {t.id: t.note for t in snapshot.tags}
        self.link_notes = {lk.id: lk.note for lk in snapshot.links}
        self.titles = statement_titles(m.nodes)
        self.arguments = m.arguments()
        self.argument_of_edge = {e: a for a in self.arguments for e in a.edge_ids}
        undercut = {
            self.argument_of_edge[a.target_edge].id
            for a in self.arguments
            if a.target_edge is not None
        }
        # Linked arguments and undercut ones need a premise-conclusion structure.
        self.reconstructed = [a for a in self.arguments if a.linked or a.id in undercut]
        self.names = {
            a.id: f"{ARGUMENT_TITLES[a.relation]} {a.edge_ids[0]}" for a in self.arguments
        }

    def text(self) -> str:
        # A heading first: a file of comments alone is no Argdown document to the parser.
        lines = [
            f"# {escape(self.snapshot.title) or 'Argument map'}",
            "",
            "// An argument map exported by claim-annotator. Statements are the tags (#claim,",
            "// #evidence, #opinion); #implicit marks a statement the author left unstated.",
        ]
        blocks = [self._statements(), self._relations(), self._reconstructions()]
        for heading, block in zip(("Statements", "Relations", "Arguments"), blocks, strict=True):
            if block:
                lines += ["", f"## {heading}"]
                for chunk in block:
                    lines += ["", *chunk]
        return "\n".join(lines) + "\n"

    def _statements(self) -> list[list[str]]:
        chunks = []
        for node in self.m.nodes:
            tags = f"#{node.kind}" + (" #implicit" if node.implicit else "")
            text = escape(node.text)
            definition = (
                f"[{self.titles[node.id]}]: {text} {tags}"
                if text
                else (f"[{self.titles[node.id]}]: {tags}")
            )
            chunks.append([*_comments(self.notes.get(node.id, "")), definition])
        return chunks

    def _relations(self) -> list[list[str]]:
        """Simple arguments, grouped under the statement or argument they bear on."""
        reconstructed = {a.id for a in self.reconstructed}
        by_target: dict[str, list[Argument]] = defaultdict(list)
        for argument in self.arguments:
            if argument.id in reconstructed:
                continue
            if argument.target_node is not None:
                key = f"[{self.titles[argument.target_node]}]"
            else:
                key = f"<{self.names[self.argument_of_edge[argument.target_edge or 0].id]}>"
            by_target[key].append(argument)
        chunks = []
        arrows = {"supports": "<+", "attacks": "<-", "undercuts": "<_"}
        for key, arguments in by_target.items():
            chunk = [key]
            for argument in arguments:
                (edge_id,) = argument.edge_ids
                (premise,) = argument.premises
                chunk += _comments(self.link_notes.get(edge_id, ""), "  ")
                chunk.append(f"  {arrows[argument.relation]} [{self.titles[premise]}]")
            chunks.append(chunk)
        return chunks

    def _reconstructions(self) -> list[list[str]]:
        chunks = []
        defined: set[str] = set()
        for argument in self.reconstructed:
            name = self.names[argument.id]
            notes = [
                line
                for edge_id in argument.edge_ids
                for line in _comments(self.link_notes.get(edge_id, ""))
            ]
            chunks.append([*notes, f"<{name}>"])
            pcs = [
                f"({i}) [{self.titles[premise]}]"
                for i, premise in enumerate(argument.premises, start=1)
            ]
            pcs.append("----")
            number = len(argument.premises) + 1
            if argument.relation == "supports":
                pcs.append(f"({number}) [{self.titles[argument.target_node or 0]}]")
            else:
                if argument.target_node is not None:
                    target = f"[{self.titles[argument.target_node]}]"
                    text = f"@{target} is not so."
                    relation = f"  -> {target}"
                else:
                    attacked = self.names[self.argument_of_edge[argument.target_edge or 0].id]
                    target = f"<{attacked}>"
                    text = f"The inference of @{target} does not hold."
                    relation = f"  _> {target}"
                conclusion = f"Against {target[1:-1]}"
                if conclusion in defined:
                    pcs.append(f"({number}) [{conclusion}]")
                else:
                    defined.add(conclusion)
                    pcs += [f"({number}) [{conclusion}]: {text}", relation]
            chunks.append(pcs)
        return chunks


class ArgdownExporter:
    """The argument map as an Argdown document (see the module)."""

    name: ClassVar[str] = "argdown"
    description: ClassVar[str] = (
        "Argdown text of the argument map, for the Argdown editor and its tools."
    )
    media_type: ClassVar[str] = "text/plain"
    extension: ClassVar[str] = "argdown"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(argdown_text(snapshot))
