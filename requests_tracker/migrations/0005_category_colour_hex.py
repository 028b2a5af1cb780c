"""A category's colour is only ever «#rrggbb»: it is written into a style attribute."""

import django.core.validators
from django.db import migrations, models

COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
DEFAULT_COLOUR = "#0d6efd"


def colours_repair(apps, schema_editor):
    # Any colour the new rule refuses falls back to the default, so that the constraint can be added.
    Category = apps.get_model("requests_tracker", "Category")
    Category.objects.exclude(colour__regex=COLOUR_PATTERN).update(colour=DEFAULT_COLOUR)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0004_erequests_office_group"),
    ]

    operations = [
        migrations.RunPython(colours_repair, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="category",
            name="colour",
            field=models.CharField(
                default=DEFAULT_COLOUR,
                help_text="Six hexadecimal digits after #, e.g. #0d6efd.",
                max_length=7,
                validators=[
                    django.core.validators.RegexValidator(
                        COLOUR_PATTERN, message="Enter a colour as #rrggbb, e.g. #0d6efd."
                    )
                ],
                verbose_name="colour",
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(
                condition=models.Q(("colour__regex", COLOUR_PATTERN)), name="requests_category_colour_hex"
            ),
        ),
    ]
