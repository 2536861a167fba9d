"""The database cache's table (the rate-limit counters), made by ``migrate`` itself.

Without it a server set up with ``migrate`` alone answered 500 on sign-in and on tokens, whose
rate limits count in the cache; ``createcachetable`` was a step people forgot. It makes the
table of every database-backed cache in CACHES and does nothing for Redis.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("annotator", "0001_initial")]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False),
    ]
