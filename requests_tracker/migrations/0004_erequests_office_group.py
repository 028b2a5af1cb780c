"""The «Γραφείο e-αιτημάτων» (e-requests office) group: clerks who answer their departments' e-requests."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from requests_tracker.roles import EREQUESTS_OFFICE_GROUP, EREQUESTS_OFFICE_PERMISSIONS


def group_create(apps, schema_editor):
    app_config = apps.get_app_config("requests_tracker")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=EREQUESTS_OFFICE_GROUP)
    for model, codename in EREQUESTS_OFFICE_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="requests_tracker", content_type__model=model, codename=codename)
        )


def group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EREQUESTS_OFFICE_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0003_erequests"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(group_create, group_delete)]
