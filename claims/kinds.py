"""The kinds of tag, each defined once: what it is called, how it is drawn, which key makes it.

Everything that names or draws a kind reads this registry when it runs: the model's choices
(``TagKind``), the pages' legends, toolbar and filters (through the ``kinds`` context processor
and the pages' JSON config), the stylesheet ``/kinds.css``, the map's SVG and its legend, and
the DOT export. A new kind is one more ``Kind`` in ``KINDS`` (and the migration that
``makemigrations`` then writes for the model's choices and check constraint).

Colours are Okabe-Ito (safe for colour-blind readers), and every kind also has its own line
style and symbol, so that no kind depends on colour alone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

LineStyle = Literal["solid", "dashed", "dotted"]

#: A highlight's underline per line style (a CSS background image and its tile size).
_UNDERLINES: dict[str, tuple[str, str]] = {
    "solid": ("linear-gradient({c}, {c})", "100% 2px"),
    "dashed": ("linear-gradient(90deg, {c} 60%, transparent 60%)", "8px 2px"),
    "dotted": ("radial-gradient(circle, {c} 45%, transparent 50%)", "5px 2px"),
}
#: The map's box border per line style (an SVG stroke-dasharray; none for solid).
_MAP_DASHES = {"solid": "", "dashed": "7 4", "dotted": "2 3"}


@dataclass(frozen=True, slots=True)
class Kind:
    value: str  # stored in Tag.kind and used in the API, exports and CSS classes (k-<value>)
    label: str  # the full name: "Author opinion"
    short: str  # on buttons and legends: "Opinion"
    plural: str  # "opinions"
    symbol: str  # shown before the name wherever the kind is written out
    key: str  # the keyboard key that tags a selection as this kind
    colour: str  # lines and borders
    text_colour: str  # the kind's name written on white (4.5:1 contrast or more)
    tint: str  # a highlight's background
    line: LineStyle  # underline and border style
    dot_shape: str  # Graphviz node shape in the DOT export
    dot_style: str  # Graphviz node style in the DOT export

    @property
    def map_dash(self) -> str:
        """Return the SVG stroke-dasharray of the kind's border on the map ("" for solid)."""
        return _MAP_DASHES[self.line]

    @property
    def underline(self) -> tuple[str, str]:
        """Return the CSS background image of the kind's underline and its tile size."""
        image, size = _UNDERLINES[self.line]
        return image.format(c=self.colour), size

    @property
    def button_parts(self) -> tuple[str, str, str]:
        """Split the short name around its key letter, for a button that underlines it."""
        at = self.short.lower().find(self.key.lower())
        if at < 0:
            return self.short, "", ""
        return self.short[:at], self.short[at], self.short[at + 1 :]

    def as_config(self) -> dict[str, str]:
        """Return what page scripts need of the kind (their JSON config)."""
        return {
            "value": self.value,
            "label": self.label,
            "short": self.short,
            "plural": self.plural,
            "symbol": self.symbol,
            "key": self.key,
        }


KINDS: tuple[Kind, ...] = (
    Kind(
        value="claim",
        label="Claim",
        short="Claim",
        plural="claims",
        symbol="◆",
        key="c",
        colour="#0072b2",
        text_colour="#0072b2",
        tint="rgba(0, 114, 178, 0.14)",
        line="solid",
        dot_shape="box",
        dot_style="rounded",
    ),
    Kind(
        value="evidence",
        label="Evidence",
        short="Evidence",
        plural="evidence",
        symbol="■",
        key="e",
        colour="#d55e00",
        text_colour="#a94700",
        tint="rgba(230, 159, 0, 0.2)",
        line="dashed",
        dot_shape="note",
        dot_style="dashed",
    ),
    Kind(
        value="opinion",
        label="Author opinion",
        short="Opinion",
        plural="opinions",
        symbol="●",
        key="o",
        colour="#cc79a7",
        text_colour="#9c4a78",
        tint="rgba(204, 121, 167, 0.18)",
        line="dotted",
        dot_shape="ellipse",
        dot_style="dotted",
    ),
)


#: The kind an unstated premise or conclusion starts as in the form that adds one.
IMPLICIT_DEFAULT = "evidence"


def all_kinds() -> tuple[Kind, ...]:
    """Return the kinds in their order (read at call time, so tests can add one)."""
    return KINDS


def kind_of(value: str) -> Kind | None:
    """Return the kind with this value, or None."""
    return next((k for k in all_kinds() if k.value == value), None)


def plural_of(value: str) -> str:
    """Return the plural of a kind's name ("claims"), or the value itself if it is unknown."""
    kind = kind_of(value)
    return kind.plural if kind else value


def kind_choices(kinds: Iterable[Kind] = KINDS) -> list[tuple[str, tuple[str, str]]]:
    """Return the members of the model's ``TagKind`` choices: (NAME, (value, label))."""
    return [(k.value.upper().replace("-", "_"), (k.value, k.label)) for k in kinds]
