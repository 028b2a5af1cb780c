"""Attachments get an unguessable public id for their URLs; existing rows get one each.

Three steps (a nullable column, one id per row, then NOT NULL and UNIQUE), as Django's documentation advises for
a unique field on a table with rows: a default alone would give every existing row the same id.
"""

import uuid

from django.db import migrations, models


def public_ids_fill(apps, schema_editor):
    Attachment = apps.get_model("requests_tracker", "Attachment")
    for attachment in Attachment.objects.filter(public_id=None).only("pk").iterator():
        Attachment.objects.filter(pk=attachment.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0005_category_colour_hex"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(public_ids_fill, migrations.RunPython.noop),
    ]
