"""Plain, ORM-free pictures of a document with its annotations.

Exporters read a ``DocumentSnapshot``; importers produce one. Ids are the database ids on
export and the file's own ids on import; references between rows use those ids.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ParagraphRow:
    id: int
    position: int
    text: str


@dataclass(frozen=True, slots=True)
class TagRow:
    """A tag; an implicit statement has no paragraph and no offsets, ``quote`` is its text."""

    id: int
    paragraph_id: int | None
    paragraph_position: int | None
    start: int | None
    end: int | None
    quote: str
    prefix: str
    suffix: str
    kind: str
    note: str
    author: str
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    agree: int = 0
    disagree: int = 0
    status: str = "pending"

    @property
    def implicit(self) -> bool:
        return self.paragraph_id is None


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A link to a tag (``target_id``) or, for an undercut, to a link (``target_link_id``)."""

    id: int
    source_id: int
    target_id: int | None
    relation: str
    note: str
    author: str
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    target_link_id: int | None = None
    group: str = ""


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    tag_id: int
    reviewer: str
    verdict: str
    comment: str
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentSnapshot:
    id: int | None
    title: str
    byline: str = ""
    caption: str = ""
    source_url: str = ""
    published_on: datetime.date | None = None
    #: Absolute URL of the document's page, used as the target source in W3C annotations.
    page_url: str = ""
    #: Absolute URL prefix for API resources (``https://host/api/``), for annotation ids.
    api_url: str = ""
    paragraphs: tuple[ParagraphRow, ...] = field(default_factory=tuple)
    tags: tuple[TagRow, ...] = field(default_factory=tuple)
    links: tuple[LinkRow, ...] = field(default_factory=tuple)
    reviews: tuple[ReviewRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ProjectSnapshot:
    """A project with its documents, for exports that hold a whole project in one file.

    ``documents`` is read lazily, one document at a time, so an export streams; ``tag_count``
    (the live tags of its live documents, read in the same transaction) is known up front for
    formats that state a total before the items.
    """

    id: int
    name: str
    slug: str
    tag_count: int
    documents: Iterable[DocumentSnapshot]
    #: Absolute URL prefix for API resources (``https://host/api/``).
    api_url: str = ""
