"""A small server-rendered SVG of an :func:`claims.agreement.agreement` result.

Two horizontal bar charts in one image: Krippendorff's alpha overall and per kind, then each
pair's span F1 (exact and overlap match). Every bar has a text label and its value printed
beside it, so nothing depends on colour; an undefined measure reads "not defined" instead of
drawing a bar. The ``<title>`` and ``<desc>`` say the same in sentences for screen readers.
"""

from html import escape
from typing import Any

from claims.agreement import reading, summary
from claims.kinds import plural_of

WIDTH = 640
LABEL_RIGHT = 130  # labels end here, right-aligned
BAR_LEFT = 140
BAR_WIDTH = 300  # the value and its reading are printed right of the bar, before WIDTH
ROW = 22
BAR_HEIGHT = 14
HEADING = 30
NAME_LIMIT = 28  # usernames longer than this are cut in labels (the desc keeps them whole)

FILLS = {"alpha": "#3f6aa1", "exact": "#3f6aa1", "overlap": "#9dbbe0"}


def _number(value: float) -> str:
    return f"{round(value, 2) + 0.0:.2f}"  # + 0.0 turns -0.0 into 0.0


def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else name[: NAME_LIMIT - 1] + "\u2026"


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f' {key.replace("_", "-")}="{escape(v)}"' for key, v in attrs.items())
    return f'<text x="{x:g}" y="{y:g}"{extra}>{escape(content)}</text>'


class _Canvas:
    """Rows of labelled bars laid out top to bottom."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.y = 0.0
        self.section_top = 0.0

    def heading(self, content: str) -> None:
        self.y += HEADING
        self.parts.append(_text(0, self.y - 10, content, font_weight="bold"))
        self.section_top = self.y

    def caption(self, content: str) -> None:
        self.y += ROW
        self.parts.append(_text(0, self.y - 7, content, font_style="italic"))

    def bar(self, label: str, value: float | None, css: str, low: float, note: str = "") -> None:
        """Draw one row: the label, a bar from zero to ``value`` on ``[low, 1]``, the value."""
        top = self.y + (ROW - BAR_HEIGHT) / 2
        baseline = self.y + ROW / 2 + 4
        self.parts.append(_text(LABEL_RIGHT, baseline, label, text_anchor="end"))

        def x_of(v: float) -> float:
            return BAR_LEFT + (min(max(v, low), 1.0) - low) / (1.0 - low) * BAR_WIDTH

        zero = x_of(0.0)
        if value is None:
            self.parts.append(_text(zero + 4, baseline, "not defined", font_style="italic"))
        else:
            left, right = sorted((zero, x_of(value)))
            self.parts.append(
                f'<rect class="bar bar-{css}" x="{left:.1f}" y="{top:.1f}" '
                f'width="{right - left:.1f}" height="{BAR_HEIGHT}" fill="{FILLS[css]}"/>'
            )
            shown = _number(value) + (f" {note}" if note else "")
            self.parts.append(_text(max(right, zero) + 4, baseline, shown))
        self.y += ROW

    def axis(self, low: float) -> None:
        """Draw the zero line beside the rows of this section and tick labels under them."""
        zero = BAR_LEFT - low / (1.0 - low) * BAR_WIDTH
        self.parts.append(
            f'<line x1="{zero:.1f}" y1="{self.section_top:.1f}" x2="{zero:.1f}" '
            f'y2="{self.y + 2:.1f}" stroke="currentColor" stroke-width="1"/>'
        )
        self.y += 4
        ticks = [low, 0.0, 0.5, 1.0] if low < 0 else [0.0, 0.5, 1.0]
        for tick in ticks:
            x = BAR_LEFT + (tick - low) / (1.0 - low) * BAR_WIDTH
            self.parts.append(_text(x, self.y + 10, _number(tick), text_anchor="middle"))
        self.y += 14


def _description(result: dict[str, Any]) -> str:
    sentences = [line[0].upper() + line[1:] + "." for line in summary(result)]
    for pair in result["pairs"]:
        figures = []
        for match in ("exact", "overlap"):
            value = pair[f"span_f1_{match}"]
            figures.append(f"{'not defined' if value is None else _number(value)} {match}")
        sentences.append(f"Span F1 of {pair['a']} and {pair['b']}: {', '.join(figures)}.")
    return " ".join(sentences)


def render_chart(result: dict[str, Any], *, id_prefix: str = "agreement-chart") -> str:
    """Return an accessible SVG bar chart of alpha by kind and span F1 by pair."""
    canvas = _Canvas()
    alphas = [("All kinds", result["overall"]["krippendorff_alpha"])] + [
        (plural_of(kind).capitalize(), measures["krippendorff_alpha"])
        for kind, measures in result["by_kind"].items()
    ]
    if len(result["annotators"]) < 2:
        canvas.heading("Agreement between annotators")
        canvas.caption("Fewer than two annotators have tagged this document: nothing to compare.")
    else:
        low = -1.0 if any(v is not None and v < 0 for _, v in alphas) else 0.0
        canvas.heading("Krippendorff's alpha, all annotators (per character)")
        for label, value in alphas:
            canvas.bar(label, value, "alpha", low, note=reading(value) if value is not None else "")
        canvas.axis(low)
        canvas.heading("Span F1 per pair of annotators")
        for pair in result["pairs"]:
            canvas.caption(f"{_short(pair['a'])} and {_short(pair['b'])}")
            canvas.bar("exact match", pair["span_f1_exact"], "exact", 0.0)
            canvas.bar("overlap match", pair["span_f1_overlap"], "overlap", 0.0)
        canvas.axis(0.0)
    height = int(canvas.y + 6)
    prefix = escape(id_prefix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="agreement-chart" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="currentColor">'
        f'<title id="{prefix}-title">Agreement between annotators</title>'
        f'<desc id="{prefix}-desc">{escape(_description(result))}</desc>'
        + "".join(canvas.parts)
        + "</svg>"
    )


#: A disagreement's colour in the paragraph strips (Okabe-Ito); its name is in each title.
STRIP_FILLS = {
    "kind-differs": "#d55e00",
    "boundary-differs": "#e69f00",
    "missing": "#0072b2",
}
STRIP_WIDTH = 640
STRIP_HEIGHT = 12


def render_strip(length: int, segments: list[tuple[int, int, str]], label: str) -> str:
    """Draw a paragraph as a bar with its disagreements marked where they are in the text.

    ``segments`` are ``(start, end, category)`` in code points of a paragraph of ``length``;
    each is a coloured stretch whose ``<title>`` names the category and the characters.
    """
    scale = STRIP_WIDTH / max(length, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="agreement-strip" '
        f'viewBox="0 0 {STRIP_WIDTH} {STRIP_HEIGHT}" preserveAspectRatio="none">',
        f"<title>{escape(label)}</title>",
        f'<rect x="0" y="0" width="{STRIP_WIDTH}" height="{STRIP_HEIGHT}" fill="#e8e8e8"/>',
    ]
    for start, end, category in segments:
        x = start * scale
        width = max((end - start) * scale, 1.0)
        fill = STRIP_FILLS.get(category, "#555555")
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="{STRIP_HEIGHT}" '
            f'fill="{fill}"><title>{escape(category)}: characters {start}-{end}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)
