from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"
    verbose_name = "Tags, links and reviews"

    def ready(self) -> None:
        # Committed writes go out to the live sockets (claims.realtime.publish).
        from claims.realtime.publish import publish_changes
        from claims.services.versioned import changes_committed

        changes_committed.connect(publish_changes, dispatch_uid="claims.realtime.publish")
