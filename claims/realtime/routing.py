"""The socket routes, served by ``annotator.asgi`` beside the HTTP app."""

from django.urls import path

from claims.realtime.consumer import DocumentConsumer

websocket_urlpatterns = [
    path("ws/documents/<int:pk>/", DocumentConsumer.as_asgi(), name="document-socket"),
]
