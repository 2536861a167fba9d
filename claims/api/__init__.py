"""The claims REST API: one module per resource or concern, routed by ``claims.api.urls``."""
