"""Content negotiation for exports: ``?format=`` or Accept (with profiles) picks an exporter."""

from collections.abc import Iterable
from typing import Any, ClassVar

from rest_framework.exceptions import NotAcceptable, ValidationError

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from claims.interchange.exporters import (
    EXPORTERS,
    PROJECT_EXPORTERS,
    Exporter,
    UnknownFormat,
)


class ExportRenderer(BaseRenderer):
    """Stands for one exporter in DRF's content negotiation (``?format=`` and Accept).

    The export view streams the exporter's output itself, so ``render`` (which BaseRenderer
    leaves unimplemented) is never called; any other response of that view is JSON.
    """

    exporter: ClassVar[Exporter]


def _renderer_for(exporter: Exporter) -> type[ExportRenderer]:
    # Negotiate on the bare media type, so "Accept: application/ld+json" finds the w3c export
    # with or without its profile parameter; the response carries the full media type.
    return type(
        f"{exporter.name.capitalize()}ExportRenderer",
        (ExportRenderer,),
        {
            "exporter": exporter,
            "format": exporter.name,
            "media_type": exporter.media_type.split(";")[0].strip(),
        },
    )


EXPORT_RENDERERS = [_renderer_for(exporter) for exporter in EXPORTERS.values()]
PROJECT_EXPORT_RENDERERS = [r for r in EXPORT_RENDERERS if r.format in PROJECT_EXPORTERS]


def known_formats(
    renderers: Iterable[ExportRenderer | type[ExportRenderer]] = EXPORT_RENDERERS,
) -> str:
    return "; ".join(f"{r.exporter.name} ({r.exporter.media_type})" for r in renderers)


def _profiled(request: Request, renderers: Iterable[ExportRenderer]) -> ExportRenderer | None:
    """Return the renderer whose profile the Accept header names, if it names one.

    Two exports share ``application/json`` (ours and AIF); a ``profile`` parameter tells them
    apart, which negotiating on bare media types would ignore.
    """
    for item in request.META.get("HTTP_ACCEPT", "").split(","):
        wanted = _profile_of(item)
        if wanted[1] is None:
            continue
        for renderer in renderers:
            if _profile_of(renderer.exporter.media_type) == wanted:
                return renderer
    return None


def _profile_of(media_type: str) -> tuple[str, str | None]:
    """Return a media type's bare type and its ``profile`` parameter (None if it has none)."""
    bare, *params = media_type.split(";")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "profile":
            return bare.strip().lower(), value.strip().strip('"')
    return bare.strip().lower(), None


class ExportNegotiation(DefaultContentNegotiation):
    """Pick the exporter from ``?format=`` (which wins over Accept) or from the Accept header.

    DRF's own negotiation answers an unknown ``?format=`` with a bare 404; this one answers
    400 and names the formats there are. A media type with a ``profile`` that one exporter
    declares picks that exporter.
    """

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[Any],  # the export view's ExportRenderer instances
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        name = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if name:
            for renderer in renderers:
                if renderer.format == name:
                    return renderer, renderer.media_type
            known = UnknownFormat(name, [r.format for r in renderers])
            raise ValidationError({"format": [str(known)]})
        profiled = _profiled(request, renderers)
        if profiled is not None:
            return profiled, profiled.media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            raise NotAcceptable(
                "None of the media types in the Accept header can be exported. Ask for one of: "
                f"{known_formats(renderers)}; or add ?format= with one of the names."
            ) from None
