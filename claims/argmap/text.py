"""Shorten and wrap node text for messages and map boxes."""

import re
import textwrap
import unicodedata

_SPACE = re.compile(r"\s+")


def shorten(text: str, width: int) -> str:
    """Collapse whitespace and cut ``text`` to at most ``width`` characters, ending with "…"."""
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    # Cut at a word boundary unless that would throw away most of the room.
    if space >= width * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap ``text`` to lines of about ``width`` characters (long words are broken)."""
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def display_width(line: str) -> float:
    """Estimate a line's width in average Latin characters: wide (CJK) characters count twice."""
    width = 0.0
    for char in line:
        if unicodedata.combining(char):
            continue
        width += 2.0 if unicodedata.east_asian_width(char) in "WF" else 1.0
    return width
