from typing import TYPE_CHECKING, Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.models import (
    MAX_INVITATION_DAYS,
    MAX_INVITATION_USES,
    Document,
    Invitation,
    InvitationState,
    Membership,
    Paragraph,
    Project,
    Role,
)
from annotator.strict_input import StrictInputMixin

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: The review thresholds stop here: beyond it a rule would never fire in practice.
MAX_REVIEW_THRESHOLD = 50


class ProjectSerializer(StrictInputMixin, serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this project.")
    slug = serializers.SlugField(required=False, max_length=100)
    accept_after_agrees = serializers.IntegerField(
        min_value=0,
        max_value=MAX_REVIEW_THRESHOLD,
        required=False,
        help_text="A tag with this many agrees and no disagree is accepted without a curator "
        "(0 turns the rule off). Default 2.",
    )
    reject_after_disagrees = serializers.IntegerField(
        min_value=0,
        max_value=MAX_REVIEW_THRESHOLD,
        required=False,
        help_text="A tag with this many disagrees and no agree is rejected without a curator "
        "(0 turns the rule off). Default 2.",
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "accept_after_agrees",
            "reject_after_disagrees",
            "blind",
            "role",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, project: Project) -> str | None:
        roles = self.context.get("roles", {})
        return roles.get(project.pk)


class MemberSerializer(StrictInputMixin, serializers.Serializer):
    user = serializers.CharField(max_length=150, help_text="Username.")
    role = serializers.ChoiceField(choices=Role.choices)

    def to_representation(self, membership: Membership) -> dict:
        return {"user": membership.user.username, "role": membership.role}


class MemberRoleSerializer(StrictInputMixin, serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationCreateSerializer(StrictInputMixin, serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role people join in.")
    uses = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INVITATION_USES,
        default=1,
        help_text="How many people may join with the link.",
    )
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INVITATION_DAYS,
        default=7,
        help_text="Days until the link stops working.",
    )


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its owners list it: never with its token, which is not stored."""

    created_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    state = serializers.SerializerMethodField(help_text="live, expired, revoked or used_up.")

    class Meta:
        model = Invitation
        fields = [
            "id",
            "role",
            "uses_left",
            "expires_at",
            "revoked_at",
            "state",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=InvitationState.choices))
    def get_state(self, invitation: Invitation) -> str:
        return invitation.state().value


class NewInvitationSerializer(serializers.Serializer):
    """The answer to making an invitation: the only time its link is shown."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(read_only=True, help_text="The link to send; shown only now.")
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    uses_left = serializers.IntegerField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class InvitationAcceptedSerializer(serializers.Serializer):
    project = serializers.IntegerField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    detail = serializers.CharField(
        read_only=True, help_text="What happened: joined, or already a member (role unchanged)."
    )


class ParagraphSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "document", "position", "text"]
        read_only_fields = ["id", "document", "position"]

    def validate_text(self, text: str) -> str:
        if not text.strip():
            raise serializers.ValidationError("A paragraph cannot be empty.")
        return text


class DocumentSerializer(StrictInputMixin, serializers.ModelSerializer):
    # null for documents made by a management command, or once the user is deleted.
    created_by: "serializers.SlugRelatedField[User]" = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "project",
            "title",
            "byline",
            "caption",
            "source_url",
            "published_on",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "project", "created_by", "created_at"]


class NestedParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "position", "text"]


class DocumentDetailSerializer(DocumentSerializer):
    paragraphs = NestedParagraphSerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "paragraphs"]


class DocumentCreateSerializer(DocumentSerializer):
    """Create a document from ``text`` (split on line breaks) or a list of ``paragraphs``."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    text = serializers.CharField(
        required=False, trim_whitespace=False, write_only=True, max_length=2_000_000
    )
    paragraphs = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False, max_length=200_000),
        required=False,
        write_only=True,
        max_length=10_000,
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "text", "paragraphs"]
        read_only_fields = ["id", "created_by", "created_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            project = cast(serializers.PrimaryKeyRelatedField, self.fields["project"])
            project.queryset = Project.objects.filter(memberships__user_id=request.user.pk)

    def validate(self, attrs: dict) -> dict:
        has_text, has_paragraphs = "text" in attrs, "paragraphs" in attrs
        if has_text == has_paragraphs:
            raise serializers.ValidationError(
                {
                    "text": "Send either text (split into paragraphs on line breaks) or "
                    "paragraphs (a list of strings), not both and not neither."
                }
            )
        return attrs
