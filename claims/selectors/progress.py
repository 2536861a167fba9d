"""How far each person is with each document: their state and how much work they did there."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet

from annotator.models import DocumentProgress, Membership, ProgressState, Role
from claims.models import Link, Review, Tag


@dataclass(frozen=True, slots=True)
class AnnotatorProgress:
    """One person's state on one document and their live tags, links and reviews there."""

    user: str
    state: str
    tags: int = 0
    links: int = 0
    reviews: int = 0

    @property
    def state_label(self) -> str:
        return str(ProgressState(self.state).label)


def _per_person(qs: QuerySet, document: str, person: str) -> dict[tuple[int, str], int]:
    """Count rows per (document id, username), following the paths given."""
    rows = qs.values(doc=F(document), who=F(person)).annotate(n=Count("id")).order_by()
    return {(row["doc"], row["who"]): row["n"] for row in rows}


def progress_by_document(
    project_id: int, document_ids: Iterable[int]
) -> dict[int, list[AnnotatorProgress]]:
    """Each document's people, by username: every annotator of the project, and anyone else who
    worked on the document or set a state there. Five queries, whatever the number of documents.

    A person's state is the one they set, else ``in_progress`` when they have tags there (a
    first tag starts a document), else ``not_started``.
    """
    ids = list(document_ids)
    annotators = list(
        Membership.objects.filter(project_id=project_id, role=Role.ANNOTATOR).values_list(
            "user__username", flat=True
        )
    )
    states = {
        (document_id, username): state
        for document_id, username, state in DocumentProgress.objects.filter(
            document_id__in=ids
        ).values_list("document_id", "user__username", "state")
    }

    tags = _per_person(Tag.objects.filter(document_id__in=ids), "document_id", "author__username")
    links = _per_person(
        Link.objects.filter(source__document_id__in=ids),
        "source__document_id",
        "author__username",
    )
    reviews = _per_person(
        Review.objects.filter(tag__document_id__in=ids, tag__deleted_at__isnull=True),
        "tag__document_id",
        "reviewer__username",
    )
    people: dict[int, set[str]] = defaultdict(set)
    for document_id, username in (*states, *tags, *links, *reviews):
        people[document_id].add(username)
    result = {}
    for document_id in ids:
        names = sorted(people[document_id].union(annotators))
        result[document_id] = [
            AnnotatorProgress(
                user=name,
                state=states.get(
                    (document_id, name),
                    ProgressState.IN_PROGRESS
                    if (document_id, name) in tags
                    else ProgressState.NOT_STARTED,
                ),
                tags=tags.get((document_id, name), 0),
                links=links.get((document_id, name), 0),
                reviews=reviews.get((document_id, name), 0),
            )
            for name in names
        ]
    return result
