"""The import page: files into a project as documents (curators and owners).

With its script, the page sends each chosen file to the import endpoint in turn and shows its
progress and result there. Without it, the form below posts one file here, and this view reads
it with the same functions the endpoint uses (``upload_read``, ``file_import``).
"""

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from annotator.models import CURATING_ROLES, Project
from annotator.permissions import acting_user
from annotator.selectors import projects_for
from annotator.services import require_role
from claims.interchange.importers import IMPORTERS, JSON_EXPORT_MARK, SNIFF_CHARS
from claims.interchange.importers.brat_import import DEFAULT_RELATION_MAPPING
from claims.interchange.importing import DuplicateDocument, ImportResult, file_import
from claims.interchange.uploads import MAPPING_FORMATS, SOURCE_TEXT_FORMATS, upload_read

FORMAT_CHOICES = [
    ("", "From the file's name"),
    *((name, importer.label) for name, importer in IMPORTERS.items()),
]
ACCEPTED_EXTENSIONS = sorted({ext for imp in IMPORTERS.values() for ext in imp.extensions})
MAPPING_EXAMPLE = "MajorClaim=claim,Claim=claim,Premise=evidence"


class ImportForm(forms.Form):
    # Empty files reach the importer, which says what the file lacks.
    file = forms.FileField(allow_empty_file=True)
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False)
    title = forms.CharField(
        max_length=500,
        required=False,
        help_text="Left empty: the file's name (a json export keeps its own title).",
    )
    text_file = forms.FileField(
        label="Source text",
        required=False,
        allow_empty_file=True,
        help_text="AIF and brat only: the plain text the map annotates (brat: its .txt).",
    )
    mapping = forms.CharField(
        label="Entity types (brat)",
        required=False,
        help_text=f"Types to kinds, as {MAPPING_EXAMPLE}.",
    )
    relation_mapping = forms.CharField(
        label="Relation types (brat)",
        required=False,
        help_text=f"Left empty: {DEFAULT_RELATION_MAPPING}.",
    )
    allow_duplicate = forms.BooleanField(
        label="Import it even if this project already has a document with the same title and text",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(ACCEPTED_EXTENSIONS)


#: The import's field names that this form spells otherwise (the form sends text as a file).
_FIELD_OF = {"text": "text_file"}


def _place_errors(form: ImportForm, error: ValidationError) -> None:
    """Put the errors on the fields they name; others (a node, a line) above the form,
    with their place."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for place, texts in error.message_dict.items():
        name = _FIELD_OF.get(place, place)
        if name in form.fields:
            form.add_error(name, texts)
        elif place == NON_FIELD_ERRORS:
            form.add_error(None, texts)
        else:
            form.add_error(None, [f"{place}: {text}" for text in texts])


def _config(project: Project) -> dict[str, Any]:
    """What the page's script needs: where to send files and how to tell their formats."""
    return {
        "api": {"import": reverse("project-import-api", args=[project.pk])},
        "formats": [
            {
                "name": name,
                "label": importer.label,
                "extensions": list(importer.extensions),
                "sourceText": name in SOURCE_TEXT_FORMATS,
                "mapping": name in MAPPING_FORMATS,
            }
            for name, importer in IMPORTERS.items()
        ],
        "jsonExportMark": JSON_EXPORT_MARK.pattern,
        "sniffChars": SNIFF_CHARS,
        "mappingExample": MAPPING_EXAMPLE,
        "relationMappingDefault": DEFAULT_RELATION_MAPPING,
    }


def _import(
    request: HttpRequest, project: Project, form: ImportForm
) -> tuple[int, ImportResult | None, DuplicateDocument | None]:
    """Import the posted file; return the status, and the result or the duplicate found."""
    if not form.is_valid():
        return 400, None, None
    fields = dict(form.cleaned_data)
    allow_duplicate = fields.pop("allow_duplicate")
    name = fields["file"].name
    try:
        read = upload_read(format_name=fields.pop("format"), **fields)
        result = file_import(
            actor=acting_user(request),
            project=project,
            format_name=read.format_name,
            source=io.StringIO(read.source),
            options=read.options,
            allow_duplicate=allow_duplicate,
        )
    except DuplicateDocument as duplicate:
        messages.error(request, f"{name} was not imported. {duplicate}")
        return 409, None, duplicate
    except ValidationError as error:
        _place_errors(form, error)
        messages.error(request, f"{name} was not imported: nothing was created.")
        return 400, None, None
    messages.success(
        request,
        f"{name} is imported as “{result.document.title}” (document {result.document.pk}): "
        f"{result.counts_text()}.",
    )
    return 200, result, None


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Import files into a project as documents (curators and owners)."""
    user = acting_user(request)
    project = get_object_or_404(projects_for(user), pk=pk)
    require_role(user, project, CURATING_ROLES)
    status, result, duplicate = 200, None, None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        status, result, duplicate = _import(request, project, form)
        if result is not None:
            form = ImportForm()  # the next file starts afresh
    else:
        form = ImportForm()
    context = {
        "project": project,
        "form": form,
        "result": result,
        "duplicate": duplicate.existing if duplicate else None,
        "config": _config(project),
    }
    return render(request, "claims/import.html", context, status=status)
