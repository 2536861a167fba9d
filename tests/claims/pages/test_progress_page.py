"""Marking a document done from its page, and turning the blind first pass on in settings."""

import re

import pytest

from annotator.models import DocumentProgress
from tests.clients import client_as, notices

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 302),
        ("curator", 302),
        ("annotator", 302),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_mark_a_document_done(document, members, who, status):
    response = client_as(members, who).post(f"/documents/{document.pk}/state/", {"state": "done"})
    assert response.status_code == status
    marked = DocumentProgress.objects.filter(document=document, state="done").exists()
    assert marked is (status == 302 and who != "anonymous")


def test_done_and_reopen_from_the_page(document, members):
    document.project.blind = True
    document.project.save()
    client = client_as(members, "annotator")
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'id="blind-notice"' in page
    assert 'value="done">Mark done</button>' in page
    response = client.post(f"/documents/{document.pk}/state/", {"state": "done"})
    assert response["Location"] == f"/documents/{document.pk}/"
    assert notices(response) == ["Marked done. Everyone's tags are shown now."]
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert 'data-state="done">Done</strong>' in page
    assert 'value="in_progress">Reopen</button>' in page
    assert 'id="blind-notice"' not in page
    response = client.post(f"/documents/{document.pk}/state/", {"state": "in_progress"})
    assert notices(response) == ["Reopened. Others' tags are hidden again."]


def test_an_unknown_state_is_refused_in_plain_words(document, members):
    response = client_as(members, "annotator").post(
        f"/documents/{document.pk}/state/", {"state": "finished"}
    )
    assert notices(response) == ["Unknown state 'finished': use 'done' or 'in_progress'."]
    assert not DocumentProgress.objects.exists()


def test_only_post_changes_the_state(document, members):
    response = client_as(members, "annotator").get(f"/documents/{document.pk}/state/")
    assert response.status_code == 405


def test_the_owner_turns_blind_on_in_settings(document, members):
    project = document.project
    form = {
        "name": project.name,
        "description": "",
        "accept_after_agrees": 2,
        "reject_after_disagrees": 2,
        "blind": "on",
    }
    client = client_as(members, "owner")
    assert client.post(f"/projects/{project.pk}/settings/", form).status_code == 302
    project.refresh_from_db()
    assert project.blind is True
    html = client.get(f"/projects/{project.pk}/settings/").content.decode()
    assert re.search(r'<input type="checkbox" name="blind"[^>]* checked>', html)
    assert '<label for="id_blind">Blind first pass</label>' in html
