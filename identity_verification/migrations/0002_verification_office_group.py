"""The «Γραφείο ταυτοποίησης» (verification office) group: clerks who receive documents and decide."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from identity_verification.roles import VERIFICATION_OFFICE_GROUP, VERIFICATION_OFFICE_PERMISSIONS


def group_create(apps, schema_editor):
    # Permissions are normally made after all migrations; make this app's now so the group can hold them.
    app_config = apps.get_app_config("identity_verification")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=VERIFICATION_OFFICE_GROUP)
    for model, codename in VERIFICATION_OFFICE_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="identity_verification", content_type__model=model, codename=codename
            )
        )


def group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=VERIFICATION_OFFICE_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("identity_verification", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(group_create, group_delete)]
