"""The ASGI entry: pages and the API over HTTP, and the live document sockets.

Serve it with Daphne (``daphne -b 0.0.0.0 -p 8000 annotator.asgi:application``); ``manage.py
runserver`` serves it too (``daphne`` in INSTALLED_APPS). ``annotator.wsgi`` still serves the
pages and the API without sockets.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")

# Django is set up before the socket routes import models.
http_application = get_asgi_application()

# Imports after setup (E402), as Channels requires.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

# The one place besides the root urls that names claims (an exception in the layer contract).
from claims.realtime.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http_application,
        # A socket's Origin must be one of ALLOWED_HOSTS: another site's page cannot open a
        # socket with a signed-in person's cookie. The session signs the socket in.
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
