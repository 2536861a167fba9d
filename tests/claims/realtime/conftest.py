"""The socket tests run on the in-memory channel layer, fresh in each test (the two-server test
in test_servers.py uses Redis)."""

import pytest


@pytest.fixture(autouse=True)
def _in_memory_layer(settings) -> None:
    # Channels drops its layers when the setting changes, so each test starts empty.
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 2000}}
    }
