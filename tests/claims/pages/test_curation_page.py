"""The curation page: who may open it, and what it carries for its script."""

import json
import re

import pytest
from django.test import Client

from tests.clients import client_as
from tests.factories import TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("curator", 200),
        ("annotator", 403),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_curators_and_owners_only(document, members, who, status):
    response = client_as(members, who).get(f"/documents/{document.pk}/curate/")
    assert response.status_code == status


def test_a_missing_document_is_404(members):
    client = client_as(members, "curator")
    assert client.get("/documents/999999/curate/").status_code == 404


def test_the_page_carries_its_config_and_works_in_a_blind_project(document, members):
    document.project.blind = True
    document.project.save()
    paragraph = document.paragraphs.get(position=0)
    TagFactory(paragraph=paragraph, author=members["annotator"], start=0, end=11)
    TagFactory(paragraph=paragraph, author=members["owner"], start=0, end=11, kind="opinion")
    html = client_as(members, "curator").get(f"/documents/{document.pk}/curate/").content.decode()
    found = re.search(r'<script id="curate-config" type="application/json">(.*?)</script>', html)
    assert found
    config = json.loads(found.group(1))
    assert config["api"]["disagreements"] == f"/api/documents/{document.pk}/disagreements/"
    assert config["api"]["tags"] == "/api/tags/"
    assert [p["position"] for p in config["paragraphs"]] == [0, 1]
    assert 'id="counter"' in html
    assert "annotator/curate.js" in html
    # The curator's API view of a blind project shows everyone's tags.
    client = Client()
    client.force_login(members["curator"])
    body = client.get(f"/api/documents/{document.pk}/disagreements/").json()
    assert body["annotators"] == ["annotator", "owner"]
    assert [r["category"] for r in body["results"]] == ["kind-differs"]
