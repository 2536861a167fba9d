"""The forms of the project pages: what a person types, checked before a service runs."""

from django import forms

from annotator.models import Project
from annotator.serializers import MAX_REVIEW_THRESHOLD


class ProjectNewForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=100,
        required=False,
        help_text="The project's short name in addresses; left empty, it is made from the name.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ProjectSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    accept_after_agrees = forms.IntegerField(
        min_value=0,
        max_value=MAX_REVIEW_THRESHOLD,
        help_text=Project._meta.get_field("accept_after_agrees").help_text,
    )
    reject_after_disagrees = forms.IntegerField(
        min_value=0,
        max_value=MAX_REVIEW_THRESHOLD,
        help_text=Project._meta.get_field("reject_after_disagrees").help_text,
    )
    blind = forms.BooleanField(
        required=False,
        label="Blind first pass",
        help_text=Project._meta.get_field("blind").help_text
        + " Owners, curators and viewers always see everyone's.",
    )


class ProjectDeleteForm(forms.Form):
    confirmation = forms.CharField(
        max_length=200,
        label="Type the project's name to delete it",
        help_text="The project disappears for every member; an administrator can bring it back "
        "with manage.py restore_project.",
    )
