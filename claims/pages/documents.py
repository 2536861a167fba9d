"""A document's pages: annotating, review, agreement and the argument map; the kinds stylesheet."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from annotator.models import (
    CONTRIBUTING_ROLES,
    CURATING_ROLES,
    Document,
    Paragraph,
    ProgressState,
)
from annotator.permissions import acting_user
from annotator.selectors import (
    blinded_on,
    documents_for,
    paragraphs_for,
    roles_of,
    state_of,
)
from annotator.services import progress_set
from claims.agreement_chart import render_chart, render_strip
from claims.argmap.checks import check_map
from claims.argmap.layout import layout_map
from claims.argmap.svg import render_svg
from claims.argmap.text import shorten
from claims.kinds import all_kinds, plural_of
from claims.models import (
    TagKind,
    TagStatus,
    parse_choices,
    parse_consensus,
    parse_statuses,
    tag_page_url,
)
from claims.realtime.routing import socket_path
from claims.selectors import (
    argument_map,
    document_agreement,
    document_seq,
    document_tags,
    my_reviews,
    tag_authors,
)
from claims.selectors.disagreements import document_disagreements
from claims.serializers import TagSerializer


def live_context(request: HttpRequest, document: Document) -> dict[str, Any]:
    """What a document's pages need for live changes (templates/claims/_live.html).

    ``live``: the document's socket, its change feed, and the seq of its last change, read
    before the page's data, so that catching up from it misses nothing. ``live_socket``: whether
    this server serves the socket (over ASGI; under the WSGI entry the pages poll the feed).
    """
    return {
        "live": {
            "seq": document_seq(document.pk),
            "socket": socket_path(document.pk),
            "changes": reverse("document-changes", args=[document.pk]),
        },
        "live_socket": isinstance(request, ASGIRequest),
    }


def _paragraphs_of(request: HttpRequest, pk: int) -> list[Paragraph]:
    """The document's paragraphs in order, if the user may read it; otherwise 404."""
    paragraphs = list(
        paragraphs_for(acting_user(request)).filter(document_id=pk).order_by("position")
    )
    if not paragraphs:
        raise Http404("No such document.")
    return paragraphs


@login_required
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a document's paragraphs; the page's script paints the tags and handles tagging."""
    paragraphs = _paragraphs_of(request, pk)
    document = paragraphs[0].document
    role = roles_of(request.user).get(document.project_id)
    # Read before the tags: every change the tags miss comes after its seq in the feed.
    live = live_context(request, document)
    tags = TagSerializer.rows(document_tags(request.user, pk))
    state = state_of(request.user, document)
    config = {
        "documentId": document.pk,
        "user": request.user.get_username(),
        "canContribute": role in CONTRIBUTING_ROLES,
        "canCurate": role in CURATING_ROLES,
        "api": {
            "tags": reverse("tag-list"),
        },
        "kinds": [k.as_config() for k in all_kinds()],
        # Live changes: the socket, and the feed to catch up from ``seq`` after a lost connection.
        "live": live["live"],
    }
    return render(
        request,
        "claims/document.html",
        {
            "document": document,
            "project": document.project,
            "paragraphs": paragraphs,
            "role": role,
            "tags": tags,
            "config": config,
            **live,
            "state": state,
            "state_label": ProgressState(state).label,
            "blinded": blinded_on(request.user, document),
        },
    )


@login_required
@require_POST
def document_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the document done for oneself, or reopen it; back to the document with a notice."""
    user = acting_user(request)
    document = get_object_or_404(documents_for(user), pk=pk)
    try:
        progress = progress_set(actor=user, document=document, state=request.POST.get("state", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if progress.state == ProgressState.DONE:
            shown = " Everyone's tags are shown now." if document.project.blind else ""
            messages.success(request, f"Marked done.{shown}")
        else:
            hidden = " Others' tags are hidden again." if document.project.blind else ""
            messages.success(request, f"Reopened.{hidden}")
    return redirect(reverse("document", args=[document.pk]))


@login_required
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Review other people's tags one at a time; curators also decide each tag's status."""
    paragraphs = _paragraphs_of(request, pk)
    document = paragraphs[0].document
    project = document.project
    live = live_context(request, document)  # before the tags (see live_context)
    role = roles_of(request.user).get(document.project_id)
    # The API's tag representation, each with the user's own review.
    tags = TagSerializer.rows(document_tags(request.user, pk))
    mine = my_reviews(document_id=pk, user=request.user)
    config = {
        "documentId": document.pk,
        "user": request.user.get_username(),
        "canReview": role in CONTRIBUTING_ROLES,
        "canCurate": role in CURATING_ROLES,
        "api": {"tags": reverse("tag-list"), "reviews": reverse("review-list")},
        "kinds": [k.as_config() for k in all_kinds()],
        "paragraphs": [{"id": p.pk, "position": p.position, "text": p.text} for p in paragraphs],
    }
    return render(
        request,
        "claims/review.html",
        {
            "document": document,
            "project": project,
            "role": role,
            "config": config,
            **live,
            "tags": [{**tag, "mine": mine.get(tag["id"])} for tag in tags],
            "statuses": TagStatus,
        },
    )


def _cell(measures: dict[str, Any], key: str) -> dict[str, str]:
    """A measure as the agreement page prints it: the figure, or a dash and the reason."""
    value = measures.get(key)
    if value is None:
        return {"text": "—", "reason": measures.get(f"{key}_reason", "")}
    return {"text": f"{round(value, 2) + 0.0:.2f}", "reason": ""}


@login_required
def agreement_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare the annotators of a document: tables per pair and per kind, a chart, a reading."""
    document = get_object_or_404(documents_for(acting_user(request)), pk=pk)
    try:
        statuses = parse_statuses(request.GET.getlist("status"))
        chosen_kinds = parse_choices(request.GET.getlist("kind"), TagKind.values, "kind")
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain")
    result = document_agreement(
        document, viewer=request.user, statuses=statuses, kinds=chosen_kinds
    )
    found = document_disagreements(document, viewer=request.user, kinds=chosen_kinds)["results"]
    curate_url = reverse("curate", args=[document.pk])
    can_curate = roles_of(request.user).get(document.project_id) in CURATING_ROLES
    disagreements = [
        {
            "category": item["category"],
            "what": (
                f"“{item['quote']}”"
                if item["type"] == "span"
                else f"link from “{item['source_cluster']['quote']}” to "
                f"“{item['target_cluster']['quote']}”"
            ),
            "href": f"{curate_url}#unit={quote(item['id'])}" if can_curate else "",
        }
        for item in found
    ]
    strips = []
    for paragraph in Paragraph.objects.filter(document=document).order_by("position"):
        segments = [
            (item["start"], item["end"], item["category"])
            for item in found
            if item["type"] == "span" and item["position"] == paragraph.position
        ]
        if segments:
            label = f"Paragraph {paragraph.position + 1}: {len(segments)} disagreement" + (
                "" if len(segments) == 1 else "s"
            )
            # render_strip escapes every text it writes into the SVG.
            strip = mark_safe(render_strip(len(paragraph.text), segments, label))  # noqa: S308
            strips.append({"label": label, "svg": strip})
    pair_keys = ["span_f1_exact", "span_f1_overlap", "cohen_kappa", "link_f1", "link_f1_aligned"]
    pairs = [
        {"a": p["a"], "b": p["b"], "cells": [_cell(p, key) for key in pair_keys]}
        for p in result["pairs"]
    ]
    summary_keys = ["krippendorff_alpha", "span_f1_exact", "span_f1_overlap"]
    kinds = [
        {
            "name": plural_of(kind).capitalize(),
            "cells": [_cell(measures, key) for key in summary_keys],
            "pairs": [
                {
                    "a": p["a"],
                    "b": p["b"],
                    "cells": [
                        _cell(p, key) for key in ["span_f1_exact", "span_f1_overlap", "cohen_kappa"]
                    ],
                }
                for p in measures["pairs"]
            ],
        }
        for kind, measures in result["by_kind"].items()
    ]
    overall = {
        "name": "All kinds",
        "cells": [_cell(result["overall"], key) for key in summary_keys],
    }
    return render(
        request,
        "claims/agreement.html",
        {
            "document": document,
            "project": document.project,
            "result": result,
            "pairs": pairs,
            "overall": overall,
            "kind_rows": kinds,
            "link_f1": _cell(result["overall"], "link_f1"),
            "link_f1_aligned": _cell(result["overall"], "link_f1_aligned"),
            "statuses": [
                {"value": s.value, "label": s.label, "checked": s.value in statuses}
                for s in TagStatus
            ],
            "kinds": [
                {"value": k.value, "label": plural_of(k.value), "checked": k.value in chosen_kinds}
                for k in all_kinds()
            ],
            "filtered": bool(statuses or chosen_kinds),
            "disagreements": disagreements,
            "strips": strips,
            "curate_url": curate_url if can_curate else "",
            # render_chart escapes every name and figure it writes into the SVG.
            "chart": mark_safe(render_chart(result)),  # noqa: S308
        },
    )


#: How the map page names each kind of finding of the map check.
FINDING_TITLES = {
    "unsupported-claim": "Unsupported claim",
    "unused-evidence": "Evidence linked to nothing",
    "support-cycle": "Circle of support",
    "supports-and-attacks": "Supports and attacks at once",
    "opinion-as-evidence": "Opinion offered as evidence",
}


@login_required
def map_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw a document's argument map (everyone's, one author's or the accepted tags only),
    with the map check beside it; every node links to its passage."""
    document = get_object_or_404(documents_for(acting_user(request)), pk=pk)
    try:
        statuses = parse_statuses(request.GET.getlist("status"))
        consensus = parse_consensus(request.GET.get("consensus"))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain")
    author = request.GET.get("author") or None
    live = live_context(request, document)  # before the map's reads (see live_context)
    m = argument_map(
        document,
        author=author,
        statuses=statuses or None,
        viewer=request.user,
        consensus=consensus,
    )
    svg = render_svg(
        m,
        layout_map(m),
        node_href=lambda node: tag_page_url(document.pk, node.id),
        title=f"Argument map of “{document.title}”",
    )
    nodes = m.node_by_id
    findings = [
        {
            "code": f.code,
            "title": FINDING_TITLES.get(f.code, f.code),
            "message": f.message,
            "tags": [
                {
                    "id": tag_id,
                    "kind": nodes[tag_id].kind,
                    "quote": shorten(nodes[tag_id].text, 60),
                    "url": tag_page_url(document.pk, tag_id),
                }
                for tag_id in f.tags
            ],
        }
        for f in check_map(m)
    ]
    authors = tag_authors(document, viewer=request.user)
    if author and author not in authors:
        authors.append(author)
    return render(
        request,
        "claims/map.html",
        {
            "document": document,
            "project": document.project,
            # render_svg escapes every text and attribute it writes.
            "svg": mark_safe(svg),  # noqa: S308
            "map": m,
            "findings": findings,
            "authors": authors,
            "author": author or "",
            "accepted_only": statuses == [TagStatus.ACCEPTED],
            "statuses": statuses,
            "consensus": consensus,
            "consensus_choices": range(1, max(len(authors), 1) + 1),
            "focus": request.GET.get("tag", ""),
            **live,
        },
    )


@cache_control(public=True, max_age=24 * 3600)
def kinds_stylesheet(request: HttpRequest) -> HttpResponse:
    """Write each kind's colours, lines and symbol as CSS, from the kind registry.

    Public: the sign-in page uses it too. Pages link it with the registry's digest in the URL,
    so a day's caching never serves a stale look.
    """
    kinds = all_kinds()
    underlines = [
        {
            "kind": kind,
            "image": kind.underline[0],
            "size": kind.underline[1],
            "position": "100%" if i == 0 else f"calc(100% - {4 * i}px)",
        }
        for i, kind in enumerate(kinds)
    ]
    return render(
        request,
        "claims/kinds.css",
        {"underlines": underlines},
        content_type="text/css; charset=utf-8",
    )
