from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from claims.models import Link, Review, Tag


class AllRowsAdmin(admin.ModelAdmin):
    """Shows soft-deleted rows too, so an administrator can see and restore them."""

    readonly_fields = ["deleted_at", "deleted_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.all_objects.all()


@admin.register(Tag)
class TagAdmin(AllRowsAdmin):
    list_display = ["id", "kind", "quote", "author", "document", "created_at", "deleted_at"]
    list_filter = ["kind", "document__project"]
    search_fields = ["quote", "author__username"]
    raw_id_fields = ["document", "paragraph", "author"]


@admin.register(Link)
class LinkAdmin(AllRowsAdmin):
    list_display = ["id", "source", "relation", "target", "author", "deleted_at"]
    list_filter = ["relation"]
    raw_id_fields = ["source", "target", "author"]


@admin.register(Review)
class ReviewAdmin(AllRowsAdmin):
    list_display = ["id", "tag", "reviewer", "verdict", "deleted_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["tag", "reviewer"]
