"""The project page: who may open it, and its documents' counts, statuses and members."""

import re

import pytest

from claims.kinds import all_kinds
from tests.clients import client_as
from tests.factories import DocumentFactory, ParagraphFactory, ReviewFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("curator", 200),
        ("annotator", 200),
        ("viewer", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_project_page_is_for_members(document, members, who, status):
    response = client_as(members, who).get(f"/projects/{document.project.pk}/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    if status == 200:
        html = response.content.decode()
        assert document.title in html
        assert f'href="/projects/{document.project.pk}/members/"' in html
        settings_link = f'href="/projects/{document.project.pk}/settings/"'
        assert (settings_link in html) is (who == "owner")


def test_an_unknown_project_is_404(members):
    assert client_as(members, "owner").get("/projects/999999/").status_code == 404


def test_project_page_counts_paragraphs_kinds_authors_and_statuses(document, members):
    paragraph = document.paragraphs.first()
    kinds = [k.value for k in all_kinds()]
    first = TagFactory(paragraph=paragraph, kind=kinds[0], author=members["annotator"])
    TagFactory(paragraph=paragraph, kind=kinds[-1], end=5, author=members["annotator"])
    TagFactory(paragraph=paragraph, kind=kinds[-1], end=6, author=members["curator"])
    TagFactory(paragraph=paragraph, kind=kinds[-1], end=7, deleted_at="2026-01-01T00:00:00Z")
    ReviewFactory(tag=first, reviewer=members["owner"])
    ReviewFactory(tag=first, reviewer=members["viewer"])  # two agrees: accepted
    response = client_as(members, "viewer").get(f"/projects/{document.project.pk}/")
    html = response.content.decode()
    row = re.search(rf'<tr data-document="{document.pk}">.*?</tr>', html, re.S)[0]
    assert '<td class="num paragraphs">2</td>' in row
    expected = ["1"] + ["0"] * (len(kinds) - 2) + ["2"]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == expected
    assert re.search(
        r'<li data-author="annotator" data-state="in_progress">annotator: 2 tags, ', row
    )
    assert re.search(r'<li data-author="curator" data-state="in_progress">curator: 1 tag, ', row)
    assert 'data-status="accepted">1 accepted</span>' in row
    assert 'data-status="pending">2 pending</span>' in row
    assert '<td class="num reviewed">33%</td>' in row
    headers = re.search(r"<thead>.*?</thead>", html, re.S)[0]
    assert [k.plural.capitalize() for k in all_kinds()] == [
        h
        for h in re.findall(r'<th scope="col" class="num">([^<]+)</th>', headers)
        if h not in {"Paragraphs", "Reviewed"}
    ]
    for name in ["owner", "curator", "annotator", "viewer"]:
        assert f'data-member="{name}"' in html
    assert 'data-member="outsider"' not in html


def test_project_page_shows_only_its_own_live_documents(document, members):
    DocumentFactory(title="Elsewhere")
    gone = DocumentFactory(
        project=document.project, title="Gone", deleted_at="2026-01-01T00:00:00Z"
    )
    ParagraphFactory(document=gone, position=0)
    html = client_as(members, "viewer").get(f"/projects/{document.project.pk}/").content.decode()
    assert "Elsewhere" not in html
    assert "Gone" not in html
    assert '<td class="num reviewed">—</td>' in html


def test_project_page_queries_do_not_grow_with_documents_and_tags(
    document, members, django_assert_max_num_queries
):
    client = client_as(members, "viewer")
    url = f"/projects/{document.project.pk}/"
    # Session, user, project, role, documents, statuses, paragraphs, members, and progress:
    # annotators, states, tag, link and review counts.
    with django_assert_max_num_queries(13):
        client.get(url)
    kinds = [k.value for k in all_kinds()]
    for n in range(8):
        more = DocumentFactory(project=document.project, title=f"More {n}")
        paragraph = ParagraphFactory(document=more, position=0)
        for i, kind in enumerate(kinds):
            tag = TagFactory(paragraph=paragraph, kind=kind, end=3 + i)
            ReviewFactory(tag=tag)
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.content.decode().count("<tr data-document=") == 9
