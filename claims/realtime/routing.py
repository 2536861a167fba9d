"""The socket routes, served by ``annotator.asgi`` beside the HTTP app."""

from django.urls import path

from claims.realtime.consumer import DocumentConsumer


def socket_path(document_id: int) -> str:
    """The path of a document's live socket (the route below)."""
    return f"/ws/documents/{document_id}/"


websocket_urlpatterns = [
    path("ws/documents/<int:pk>/", DocumentConsumer.as_asgi(), name="document-socket"),
]
