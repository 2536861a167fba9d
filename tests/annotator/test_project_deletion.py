"""Deleting a project from its settings page: owners only, the name typed to confirm, gone from
every page and route for every member, and back with ``manage.py restore_project``."""

import io

import pytest
from django.core.management import CommandError, call_command

from annotator.models import Project
from annotator.services import invitation_create
from tests.clients import client_as, notices
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db


def _delete(members, who, project, typed):
    return client_as(members, who).post(
        f"/projects/{project.pk}/settings/", {"action": "delete", "confirmation": typed}
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("curator", 403), ("annotator", 403), ("viewer", 403), ("outsider", 404), ("anonymous", 302)],
)
def test_only_owners_may_delete(document, members, who, status):
    project = document.project
    assert _delete(members, who, project, project.name).status_code == status
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.parametrize("typed", ["", "wrong name", "x" * 300])
def test_the_name_must_be_typed(document, members, typed):
    project = document.project
    response = _delete(members, "owner", project, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Type the project" in html or "Ensure this value" in html or "required" in html
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_deleted_project_is_gone_everywhere_and_comes_back(document, members, client_for):
    project = document.project
    tag = TagFactory(paragraph=document.paragraphs.first(), author=members["annotator"])
    token = invitation_create(actor=members["owner"], project=project, role="annotator").token
    response = _delete(members, "owner", project, f"  {project.name} ")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert any("restore_project" in n for n in notices(response))

    for who in ("owner", "annotator", "viewer"):
        api = client_for(members[who])
        assert api.get(f"/api/projects/{project.pk}/").status_code == 404
        assert api.get("/api/projects/").json()["count"] == 0
        assert api.get(f"/api/documents/{document.pk}/").status_code == 404
        assert api.get(f"/api/tags/{tag.pk}/").status_code == 404
        assert api.get(f"/api/tags/?document={document.pk}").json()["count"] == 0
        assert api.get(f"/api/projects/{project.pk}/export/?format=json").status_code == 404
        page = client_as(members, who)
        assert page.get(f"/projects/{project.pk}/").status_code == 404
        assert page.get(f"/documents/{document.pk}/").status_code == 404
        assert project.name not in page.get("/").content.decode()
    assert client_as(members, "outsider").get(f"/join/{token}/").status_code in (404, 410)

    out = io.StringIO()
    call_command("restore_project", "--list", stdout=out)
    assert project.slug in out.getvalue()
    assert "by owner" in out.getvalue()
    call_command("restore_project", project.slug, stdout=out)
    assert "Restored" in out.getvalue()
    api = client_for(members["annotator"])
    assert api.get(f"/api/tags/{tag.pk}/").status_code == 200
    assert client_as(members, "owner").get(f"/projects/{project.pk}/").status_code == 200


def test_restore_says_what_is_wrong(document):
    with pytest.raises(CommandError, match="no project with the slug 'nope'"):
        call_command("restore_project", "nope")
    with pytest.raises(CommandError, match="is not deleted"):
        call_command("restore_project", document.project.slug)


def test_a_deleted_projects_slug_stays_taken(document, members):
    project = document.project
    _delete(members, "owner", project, project.name)
    response = client_as(members, "owner").post("/projects/new/", {"name": project.name})
    assert response.status_code == 302
    assert Project.all_objects.filter(slug__startswith=project.slug).count() == 2
