"""The live line of a document's pages: the socket only when served over ASGI, the change feed,
and the seq the page's data includes (read before the data)."""

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from claims import services
from claims.selectors import document_seq
from tests.clients import signed_in

PAGES = ["/documents/{pk}/", "/documents/{pk}/review/", "/documents/{pk}/map/"]


@pytest.mark.parametrize("page", PAGES)
def test_under_wsgi_a_page_polls_the_feed_from_the_seq_of_its_data(page, document, members):
    paragraph = document.paragraphs.get(position=1)
    services.tag_create(actor=members["owner"], paragraph=paragraph, start=0, end=5, kind="claim")
    response = signed_in(members["viewer"]).get(page.format(pk=document.pk))
    assert response.status_code == 200
    live = response.context["live"]
    assert live == {
        "socket": f"/ws/documents/{document.pk}/",
        "changes": f"/api/documents/{document.pk}/changes/",
        "seq": document_seq(document.pk),
    }
    assert live["seq"] >= 1
    assert response.context["live_socket"] is False
    html = response.content.decode()
    assert f'data-changes="/api/documents/{document.pk}/changes/"' in html
    assert f'data-seq="{live["seq"]}"' in html
    assert 'data-socket=""' in html


@pytest.mark.django_db(transaction=True)
def test_under_asgi_a_page_names_its_socket(document, members):
    client = AsyncClient()
    async_to_sync(client.aforce_login)(members["annotator"])
    response = async_to_sync(client.get)(f"/documents/{document.pk}/")
    assert response.status_code == 200
    assert response.context["live_socket"] is True
    assert f'data-socket="/ws/documents/{document.pk}/"' in response.content.decode()
