"""The one place user-written rich text (notes, comments) is made safe to show as HTML."""

from collections.abc import Callable, MutableMapping
from functools import partial

from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code"})


def _allowed_link_attribute(tag: str, name: str, value: str) -> bool:
    # Only absolute http(s) and mailto links: a relative href would point into this app.
    if name == "href":
        return value.lower().startswith(("http://", "https://", "mailto:"))
    return name in {"title", "rel"}


ALLOWED_ATTRIBUTES: dict[str, Callable[[str, str, str], bool]] = {"a": _allowed_link_attribute}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _nofollow_noopener(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


# Disallowed tags are escaped, not stripped, so what the person typed stays readable as text.
_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=False,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_nofollow_noopener], skip_tags={"code"})],
)


def clean_html(text: str) -> str:
    """Return ``text`` as HTML that holds only the allow-listed tags, attributes and schemes."""
    if not text:
        return ""
    return _cleaner.clean(text)
