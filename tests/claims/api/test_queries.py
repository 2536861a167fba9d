"""List endpoints run a fixed number of SQL queries however many rows they return."""

import pytest

from annotator.models import Document, Membership, Paragraph, Project
from claims.models import Link, Review, Tag
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    ProjectFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The count, the page, and a prefetch or a role lookup (the client is force-authenticated, so
# no session or token query): the same bound holds for 10 rows and for 500, where a query per
# row would blow it at once.
MAX_QUERIES = 4


@pytest.fixture(params=[10, 500], ids=lambda n: f"{n}-rows")
def size(request) -> int:
    return request.param


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def populated(reader, size: int) -> int:
    """``size`` tags (each with a link and a review, by several people) in a project."""
    project = ProjectFactory()
    MembershipFactory(project=project, user=reader, role="viewer")
    authors = [UserFactory() for _ in range(5)]
    for user in authors:
        MembershipFactory(project=project, user=user, role="annotator")
    documents = [DocumentFactory(project=project, created_by=authors[0]) for _ in range(2)]
    paragraphs = [
        ParagraphFactory(document=documents[i % 2], position=i // 2, text="x" * (size + 1))
        for i in range(4)
    ]
    tags = Tag.objects.bulk_create(
        TagFactory.build(
            paragraph=paragraphs[i % 4],
            author=authors[i % 5],
            start=i,
            end=i + 1,
            kind=("claim", "evidence", "opinion")[i % 3],
        )
        for i in range(size)
    )
    # Links join tags of the same document: i and i + 4 share a paragraph.
    Link.objects.bulk_create(
        LinkFactory.build(source=tags[i], target=tags[(i + 4) % size], author=authors[i % 5])
        for i in range(size)
    )
    Review.objects.bulk_create(
        ReviewFactory.build(tag=tags[i], reviewer=authors[(i + 1) % 5]) for i in range(size)
    )
    return size


@pytest.mark.parametrize("endpoint", ["tags", "links", "reviews"])
def test_contribution_lists(client_for, reader, populated, endpoint, django_assert_max_num_queries):
    client = client_for(reader)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(f"/api/{endpoint}/?page_size=1000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == populated


def test_tag_list_counts_reviews(client_for, reader, populated, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        results = client_for(reader).get("/api/tags/?page_size=1000").json()["results"]
    assert sum(t["agree"] for t in results) == populated


def test_filtered_tag_list(client_for, reader, populated, django_assert_max_num_queries):
    document = Document.objects.order_by("id").first()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_for(reader).get(
            f"/api/tags/?document={document.pk}&kind=claim&page_size=1000"
        )
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_deleted_tag_list(client_for, populated, django_assert_max_num_queries):
    curator = UserFactory()
    MembershipFactory(project=Project.objects.get(), user=curator, role="curator")
    Tag.objects.update(deleted_at="2026-01-01T00:00:00Z")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_for(curator).get("/api/tags/?deleted=true&page_size=1000")
    assert response.json()["count"] == populated


def test_document_list(client_for, reader, size, django_assert_max_num_queries):
    project = ProjectFactory()
    MembershipFactory(project=project, user=reader, role="viewer")
    author = UserFactory()
    Document.objects.bulk_create(
        DocumentFactory.build(project=project, created_by=author) for _ in range(size)
    )
    client = client_for(reader)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get("/api/documents/?page_size=1000")
    assert len(response.json()["results"]) == size
    assert response.json()["results"][0]["created_by"] == author.username


def test_document_detail_with_many_paragraphs(
    client_for, reader, size, django_assert_max_num_queries
):
    document = DocumentFactory()
    MembershipFactory(project=document.project, user=reader, role="viewer")
    Paragraph.objects.bulk_create(
        ParagraphFactory.build(document=document, position=i) for i in range(size)
    )
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_for(reader).get(f"/api/documents/{document.pk}/")
    assert len(response.json()["paragraphs"]) == size


def test_paragraph_list(client_for, reader, size, django_assert_max_num_queries):
    document = DocumentFactory()
    MembershipFactory(project=document.project, user=reader, role="viewer")
    Paragraph.objects.bulk_create(
        ParagraphFactory.build(document=document, position=i) for i in range(size)
    )
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_for(reader).get("/api/paragraphs/?page_size=1000")
    assert len(response.json()["results"]) == size


def test_project_list(client_for, reader, size, django_assert_max_num_queries):
    projects = Project.objects.bulk_create(ProjectFactory.build() for _ in range(size))
    Membership.objects.bulk_create(
        Membership(project=p, user=reader, role=("owner", "viewer")[i % 2])
        for i, p in enumerate(projects)
    )
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_for(reader).get("/api/projects/?page_size=1000")
    results = response.json()["results"]
    assert len(results) == size
    assert {p["role"] for p in results} == {"owner", "viewer"}


def test_member_list(client_for, reader, size, django_assert_max_num_queries):
    project = ProjectFactory()
    MembershipFactory(project=project, user=reader, role="viewer")
    users = [UserFactory.build(username=f"member{i}") for i in range(size)]
    users = type(users[0]).objects.bulk_create(users)
    Membership.objects.bulk_create(Membership(project=project, user=u) for u in users)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client_for(reader).get(f"/api/projects/{project.pk}/members/")
    assert len(response.json()) == size + 1
