"""Writes to tags, links and reviews, one module per thing written.

Every service checks the actor's role, validates the whole object against the model's rules
(``full_clean``, which also runs the database constraints' checks), writes atomically, and
keeps a ``HistoryEntry`` of the change (who, when, the fields before and after). Each is a
``recorded_write``: its entries are numbered in their document's change feed and stored at its
end, and announced (``changes_committed``, which the live sockets follow) once it commits.

Every write to an existing row takes the row's next ``version`` with one conditional
``UPDATE ... SET version = version + 1 WHERE id = ... AND version = <the version read>``, so of
two writers of one row exactly one gets through; the other raises ``StaleVersion`` (it named a
version with ``expected_version``: the API's If-Match) or ``Conflict`` (it named none). The
shared steps live in ``versioned``.
"""

from annotator.services import Conflict, StaleVersion
from claims.services.curation import tag_curate_edit, tags_merge
from claims.services.links import link_create, link_delete, link_restore, link_update
from claims.services.reviews import review_delete, review_restore, review_submit, review_update
from claims.services.tags import (
    implicit_tag_create,
    tag_create,
    tag_decide,
    tag_delete,
    tag_restore,
    tag_update,
)
from claims.services.versioned import state_of

__all__ = [
    "Conflict",
    "StaleVersion",
    "implicit_tag_create",
    "link_create",
    "link_delete",
    "link_restore",
    "link_update",
    "review_delete",
    "review_restore",
    "review_submit",
    "review_update",
    "state_of",
    "tag_create",
    "tag_curate_edit",
    "tag_decide",
    "tag_delete",
    "tag_restore",
    "tag_update",
    "tags_merge",
]
