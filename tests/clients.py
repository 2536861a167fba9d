"""Browser-like clients for the page tests: signed in as someone, or as a role of a project."""

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def client_as(members: dict, who: str) -> Client:
    """A client signed in as ``members[who]``, or signed out for "anonymous"."""
    return Client() if who == "anonymous" else signed_in(members[who])


def notices(response: HttpResponse) -> list[str]:
    """The messages (django.contrib.messages) a response left for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request)]
