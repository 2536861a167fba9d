"""The export page: a plain form that downloads a document or a whole project in any format.

The form is a GET form that works without script. Submitting it (a request with ``format``)
downloads the very file the export API gives for the same choices: the page finds the project
and document through the same scoped selectors as the API (any member may export; others get
404) and makes the file with the same functions (``claims.interchange.downloads``). Bad choices
get the form back with a 400 that names each problem.
"""

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from annotator.models import Document, Project
from annotator.permissions import acting_user
from annotator.selectors import documents_for, memberships_of, projects_for
from claims.interchange import downloads
from claims.interchange.exporters import EXPORTERS, PROJECT_EXPORTERS, UnknownFormat
from claims.models import TagStatus, parse_statuses

DOCUMENT, PROJECT = "document", "project"


class StatusesField(forms.MultipleChoiceField):
    """Review statuses as checkboxes; none ticked keeps every status.

    Checked as the API checks ``status=`` (each value may list several, comma separated), and
    returned in the API's order, so the same choice names the same file.
    """

    widget = forms.CheckboxSelectMultiple

    def clean(self, value: Any) -> list[str]:
        try:
            return parse_statuses(value or [])
        except ValidationError as error:
            raise ValidationError(error.message_dict["status"]) from None


class ExportForm(forms.Form):
    """What to export (one document or the whole project), the format and the filters."""

    scope = forms.ChoiceField(
        label="What to export",
        choices=[(DOCUMENT, "One document"), (PROJECT, "The whole project")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what to export: one document or the whole project.",
            "invalid_choice": "Unknown choice “%(value)s” of what to export; choose one "
            "document or the whole project.",
        },
    )
    document = forms.ModelChoiceField(
        label="Document",
        queryset=Document.objects.none(),
        required=False,
        empty_label="Choose a document",
        error_messages={"invalid_choice": "Document “%(value)s” is not in this project."},
    )
    format = forms.CharField(label="Format", error_messages={"required": "Choose a format."})
    author = forms.ChoiceField(
        label="Author",
        required=False,
        error_messages={"invalid_choice": "No member of this project is called “%(value)s”."},
    )
    status = StatusesField(label="Review status", required=False, choices=TagStatus.choices)

    def __init__(
        self,
        *args: Any,
        documents: QuerySet[Document],
        authors: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The choices are this project's documents and members, known only per request.
        cast(forms.ModelChoiceField, self.fields["document"]).queryset = documents
        everyone = [("", "Everyone"), *((a, a) for a in authors)]
        cast(forms.ChoiceField, self.fields["author"]).choices = everyone

    def clean_format(self) -> str:
        name: str = self.cleaned_data["format"]
        if name not in EXPORTERS:
            raise ValidationError(str(UnknownFormat(name, list(EXPORTERS))))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope, name = data.get("scope"), data.get("format")
        if scope == DOCUMENT and data.get("document") is None and "document" not in self.errors:
            self.add_error("document", "Choose the document to export.")
        if scope == PROJECT:
            if name in EXPORTERS and name not in PROJECT_EXPORTERS:
                self.add_error(
                    "format",
                    f"The {name} format holds one document, not a whole project: export the "
                    f"whole project as {_or_list(list(PROJECT_EXPORTERS))}, or choose one "
                    "document.",
                )
            if data.get("author") or data.get("status"):
                self.add_error(
                    None,
                    "The author and status filters apply to one document: a whole project's "
                    "file holds everyone's tags of every status. Choose one document, or "
                    "clear the filters.",
                )
        return data


@login_required
@require_safe
def export_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Choose what to export and how; a submitted form downloads the file (any member)."""
    user = acting_user(request)
    project = get_object_or_404(projects_for(user), pk=pk)
    documents = documents_for(user).filter(project=project).order_by("pk")
    authors = [m.user.get_username() for m in memberships_of(project)]
    if "format" not in request.GET:
        initial = _preselected(request, documents)
        form = ExportForm(initial=initial, documents=documents, authors=authors)
        return _page(request, project, form)
    form = ExportForm(request.GET, documents=documents, authors=authors)
    if not form.is_valid():
        return _page(request, project, form, status=400)
    data = form.cleaned_data
    if data["scope"] == PROJECT:
        file = downloads.project_file(
            project,
            PROJECT_EXPORTERS[data["format"]],
            absolute=request.build_absolute_uri,
            viewer=request.user,
        )
    else:
        file = downloads.document_file(
            data["document"],
            EXPORTERS[data["format"]],
            author=data["author"] or None,
            statuses=data["status"],
            absolute=request.build_absolute_uri,
            viewer=request.user,
        )
    return downloads.attachment(file)


def _preselected(request: HttpRequest, documents: QuerySet[Document]) -> dict[str, Any]:
    """The form's first choices: the document the link names (``?document=``), if any."""
    wanted = request.GET.get("document", "")
    document = documents.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return {
        "scope": PROJECT if document is None else DOCUMENT,
        "document": document,
        "format": next(iter(EXPORTERS)),
    }


def _page(
    request: HttpRequest, project: Project, form: ExportForm, status: int = 200
) -> HttpResponse:
    formats = [
        {
            "name": e.name,
            "extension": e.extension,
            "description": e.description,
            "whole_project": e.name in PROJECT_EXPORTERS,
        }
        for e in EXPORTERS.values()
    ]
    return render(
        request,
        "claims/export.html",
        {
            "project": project,
            "form": form,
            "formats": formats,
            "chosen_format": form["format"].value(),
            "project_formats": _or_list(list(PROJECT_EXPORTERS)),
        },
        status=status,
    )


def _or_list(names: list[str]) -> str:
    """``json, w3c or aif``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
