import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0006_attachment_public_id"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"),
        ),
    ]
