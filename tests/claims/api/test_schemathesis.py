"""Fuzz every operation of ``/api/schema/`` with schemathesis, as an owner and as a viewer.

The app runs in-process (WSGI), inside the test's database transaction. Path ids are drawn
mostly from a seeded project (so operations reach their real code, not only 404), sometimes
left as generated. Each response must not be a 5xx and must match the schema: its status
code, its content type and its body.
"""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotator.models import Document, Paragraph, Project, Role
from claims import services
from claims.models import Link, Review, Tag
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: Which model a path's ``{id}`` names, by the path's first segment under /api/.
MODELS = {
    "projects": Project,
    "documents": Document,
    "paragraphs": Paragraph,
    "tags": Tag,
    "links": Link,
    "reviews": Review,
}


def _seed() -> dict:
    """A project with an owner, a curator, an annotator and a viewer, tags, links, reviews."""
    document = DocumentFactory(project__slug="fuzzed", title="Fuzzed")
    project = document.project
    users = {
        role: MembershipFactory(project=project, role=role, user__username=f"fz-{role}").user
        for role in Role.values
    }
    first = ParagraphFactory(document=document, position=0)
    ParagraphFactory(document=document, position=1, text="India and China agreed to share.")
    owner, annotator = users[Role.OWNER], users[Role.ANNOTATOR]
    a = services.tag_create(actor=owner, paragraph=first, start=0, end=11, kind="claim")
    b = services.tag_create(actor=annotator, paragraph=first, start=12, end=20, kind="evidence")
    c = services.implicit_tag_create(
        actor=annotator, document=document, text="Both want calm.", kind="claim"
    )
    link = services.link_create(actor=annotator, source=b, target=a, relation="supports")
    services.link_create(actor=owner, source=c, target_link=link, relation="undercuts")
    services.review_submit(actor=annotator, tag=a, verdict="agree", comment="<em>yes</em>")
    services.review_submit(actor=owner, tag=b, verdict="disagree")
    gone = services.tag_create(actor=owner, paragraph=first, start=21, end=29, kind="opinion")
    services.tag_delete(actor=owner, tag=gone)
    return users


def _load_schema():
    # The handler builds its middleware once, here: without the HTTPS redirect the test
    # client's plain-HTTP requests would all answer 301.
    with override_settings(SECURE_SSL_REDIRECT=False):
        app = WSGIHandler()
    # Loaded while pytest collects, without a database: the throttles count in memory here.
    with override_settings(CACHES={"default": {"BACKEND": LOCMEM}}):
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


schema = _load_schema()


@schema.hook
def map_path_parameters(context, path_parameters: dict) -> dict:
    """Point four in five ids at a row of the path's model; leave the rest as generated."""
    value = (path_parameters or {}).get("id")
    if not isinstance(value, int) or value % 5 == 0:
        return path_parameters
    model = MODELS[context.operation.path.split("/")[2]]
    ids = sorted(model._base_manager.values_list("pk", flat=True)) or [1]
    mapped = dict(path_parameters)
    if True:
        mapped["id"] = ids[value % len(ids)]
        if "username" in mapped and value % 3:
            mapped["username"] = USERNAMES[value % len(USERNAMES)]
    return mapped


USERNAMES = [f"fz-{role}" for role in Role.values]


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """Stop each request from closing the database connection, as Django's test client does.

    The app runs in-process on the test's connection; on PostgreSQL, closing it at the end of
    a request would end the test's transaction.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(params=[Role.OWNER, Role.VIEWER])
def auth_header(request, db, _keep_the_test_connection) -> dict[str, str]:
    """Seed the project and return the token header of its owner or of its viewer."""
    users = _seed()
    token = Token.objects.create(user=users[request.param])
    return {"Authorization": f"Token {token.key}"}


#: SCHEMATHESIS_DEEP=1 adds schemathesis' coverage phase (boundary values of every parameter,
#: a few hundred requests an operation) and more random examples: minutes, not for every run.
DEEP = os.environ.get("SCHEMATHESIS_DEEP") == "1"


@schema.parametrize()
@settings(
    max_examples=25 if DEEP else 5,
    deadline=None,
    # Fixed examples in CI, so a run fails for a change in the code, not by luck.
    derandomize=not DEEP,
    phases=[Phase.explicit, Phase.generate] if DEEP else [Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=CHECKS)
