from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from annotator.models import Document, Membership, Paragraph, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "project__name"]


class ParagraphInline(admin.StackedInline):
    model = Paragraph
    extra = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "byline", "created_at", "deleted_at"]
    list_filter = ["project"]
    search_fields = ["title", "byline"]
    inlines = [ParagraphInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return Document.all_objects.select_related("project")


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["document", "position"]
    list_filter = ["document__project"]
    search_fields = ["text"]
