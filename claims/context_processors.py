"""What every template may read of claims: the kinds of tag (``tag_kinds``)."""

import hashlib

from django.http import HttpRequest

from claims.kinds import IMPLICIT_DEFAULT, Kind, all_kinds


def kinds_version(kinds: tuple[Kind, ...]) -> str:
    """Return a short digest of the registry: it changes the stylesheet's URL when a kind does."""
    return hashlib.sha256(repr(kinds).encode()).hexdigest()[:12]


def tag_kinds(request: HttpRequest) -> dict[str, object]:
    """Give templates the kinds in order, and the version of the stylesheet drawn from them."""
    kinds = all_kinds()
    return {
        "tag_kinds": kinds,
        "tag_kinds_version": kinds_version(kinds),
        "implicit_default_kind": IMPLICIT_DEFAULT,
    }
