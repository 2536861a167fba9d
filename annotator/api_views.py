"""API views for projects, members, documents and paragraphs; thin wrappers over services."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from annotator import selectors, services
from annotator.filters import DocumentFilter, ParagraphFilter
from annotator.models import Document, Paragraph, Project
from annotator.paragraphs import split_plain_text
from annotator.permissions import (
    IsDocumentCurator,
    IsProjectOwner,
    IsProjectOwnerToRead,
    acting_user,
)
from annotator.serializers import (
    DocumentCreateSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    InvitationAcceptedSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    NewInvitationSerializer,
    ParagraphSerializer,
    ProjectSerializer,
)
from annotator.throttling import AnonThrottle, LoginThrottle

if TYPE_CHECKING:
    # What the stubs say get_permissions() returns; it exists only in the stubs.
    from rest_framework.permissions import _SupportsHasPermission


class TokenView(ObtainAuthToken):
    """Trade a username and password for the API token (``Authorization: Token ...``)."""

    # Public, and deaf to any credentials sent along: a stale token in the Authorization
    # header must not stop a client from fetching a fresh one.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, LoginThrottle]
    # ObtainAuthToken names DRF's plain parsers; ours keep the body limits.
    # The stubs type the setting as import strings; api_settings hands back the classes.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects you are a member of. Anyone signed in may create one and becomes its owner."""

    # The schema reads the model here; get_queryset() scopes every request to the user.
    queryset = Project.objects.none()
    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated, IsProjectOwner]

    def get_queryset(self) -> QuerySet[Project]:
        return selectors.projects_for(acting_user(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "roles": selectors.roles_of(self.request.user)}

    def perform_create(self, serializer: BaseSerializer[Project]) -> None:
        serializer.instance = services.project_create(
            actor=acting_user(self.request), **serializer.validated_data
        )
        # The roles in the context were read before the project existed; the creator owns it.
        serializer.context["roles"] = selectors.roles_of(self.request.user)

    def perform_update(self, serializer: BaseSerializer[Project]) -> None:
        serializer.instance = services.project_update(
            actor=acting_user(self.request),
            project=cast(Project, serializer.instance),
            **serializer.validated_data,
        )

    @extend_schema(methods=["GET"], responses=MemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=MemberSerializer, responses={201: MemberSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def members(self, request: Request, pk: str | None = None) -> Response:
        """List the members (any member), or add one or change a role (owners)."""
        project = self.get_object()
        if request.method == "POST":
            serializer = MemberSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = services.membership_set(
                actor=acting_user(request),
                project=project,
                username=serializer.validated_data["user"],
                role=serializer.validated_data["role"],
            )
            return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)
        memberships = selectors.memberships_of(project)
        return Response(MemberSerializer(memberships, many=True).data)

    @extend_schema(request=MemberRoleSerializer, responses=MemberSerializer)
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<username>[^/]+)",
        url_name="member",
    )
    def member(self, request: Request, pk: str | None = None, username: str = "") -> Response:
        """Change a member's role or remove them (owners; members may remove themselves)."""
        project = self.get_object()
        # Only existing members are addressable here; adding someone is a POST to members/.
        get_object_or_404(selectors.memberships_of(project), user__username=username)
        if request.method == "DELETE":
            services.membership_remove(
                actor=acting_user(request), project=project, username=username
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = MemberRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_set(
            actor=acting_user(request),
            project=project,
            username=username,
            role=serializer.validated_data["role"],
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(methods=["GET"], responses=InvitationSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=InvitationCreateSerializer,
        responses={201: NewInvitationSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invitations(self, request: Request, pk: str | None = None) -> Response:
        """List the invitations, or make one; its link is in this answer only (owners)."""
        project = self.get_object()
        if request.method == "POST":
            serializer = InvitationCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            made = services.invitation_create(
                actor=acting_user(request), project=project, **serializer.validated_data
            )
            invitation = made.invitation
            answer = {
                "id": invitation.pk,
                "url": request.build_absolute_uri(reverse("join", args=[made.token])),
                "role": invitation.role,
                "uses_left": invitation.uses_left,
                "expires_at": invitation.expires_at,
            }
            return Response(NewInvitationSerializer(answer).data, status=status.HTTP_201_CREATED)
        invitations = selectors.invitations_of(project)
        return Response(InvitationSerializer(invitations, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("invitation_id", int, OpenApiParameter.PATH)],
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"invitations/(?P<invitation_id>[0-9]+)",
        url_name="invitation",
    )
    def invitation(
        self, request: Request, pk: str | None = None, invitation_id: str = ""
    ) -> Response:
        """Revoke an invitation: its link stops working; the record stays (owners)."""
        project = self.get_object()
        invitation = get_object_or_404(selectors.invitations_of(project), pk=invitation_id)
        services.invitation_revoke(actor=acting_user(request), invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self) -> Sequence["_SupportsHasPermission"]:
        # Leaving a project (DELETE of one's own membership) is not an owner-only change.
        if self.action == "member":
            return [IsAuthenticated()]
        # Invitations admit people: only owners see them, even to read.
        if self.action in {"invitations", "invitation"}:
            return [IsAuthenticated(), IsProjectOwnerToRead()]
        return super().get_permissions()


class InvitationAcceptView(APIView):
    """Join a project with an invitation's token, in the invitation's role.

    Someone already a member keeps their role, and the invitation is not used up.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=InvitationAcceptedSerializer)
    def post(self, request: Request, token: str) -> Response:
        accepted = services.invitation_accept(user=acting_user(request), token=token)
        answer = {
            "project": accepted.membership.project_id,
            "role": accepted.membership.role,
            "detail": accepted.message,
        }
        return Response(InvitationAcceptedSerializer(answer).data)


class DocumentViewSet(viewsets.ModelViewSet):
    """Documents of your projects; the detail includes the paragraphs."""

    # The schema reads the model here; get_queryset() scopes every request to the user.
    queryset = Document.objects.none()
    permission_classes = [IsAuthenticated, IsDocumentCurator]
    filterset_class = DocumentFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Document]:
        if self.action == "retrieve":
            return selectors.documents_with_paragraphs_for(acting_user(self.request))
        return selectors.documents_for(acting_user(self.request))

    def get_serializer_class(self) -> type[BaseSerializer[Document]]:
        if self.action == "create":
            return DocumentCreateSerializer
        if self.action == "retrieve":
            return DocumentDetailSerializer
        return DocumentSerializer

    @extend_schema(responses={201: DocumentDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        text = data.pop("text", None)
        paragraphs = data.pop("paragraphs", None)
        document = services.document_create(
            actor=acting_user(request),
            paragraphs=split_plain_text(text) if text is not None else paragraphs,
            **data,
        )
        document = selectors.documents_with_paragraphs_for(acting_user(request)).get(pk=document.pk)
        return Response(DocumentDetailSerializer(document).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: BaseSerializer[Document]) -> None:
        serializer.instance = services.document_update(
            actor=acting_user(self.request),
            document=cast(Document, serializer.instance),
            **serializer.validated_data,
        )

    def perform_destroy(self, instance: Document) -> None:
        services.document_delete(actor=acting_user(self.request), document=instance)


class ParagraphViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Paragraphs of your documents. Text can change only while no tag points into it."""

    # The schema reads the model here; get_queryset() scopes every request to the user.
    queryset = Paragraph.objects.none()
    serializer_class = ParagraphSerializer
    permission_classes = [IsAuthenticated, IsDocumentCurator]
    filterset_class = ParagraphFilter
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Paragraph]:
        return selectors.paragraphs_for(acting_user(self.request)).order_by(
            "document_id", "position"
        )

    def perform_update(self, serializer: BaseSerializer[Paragraph]) -> None:
        paragraph = cast(Paragraph, serializer.instance)
        serializer.instance = services.paragraph_update(
            actor=acting_user(self.request),
            paragraph=paragraph,
            text=serializer.validated_data.get("text", paragraph.text),
        )
