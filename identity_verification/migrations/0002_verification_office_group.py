"""Once the «Γραφείο ταυτοποίησης» (verification office) group's data migration; kept empty so that the migration graph stays the same.

The group is made (and repaired) after every `migrate` by accounts.roles.group_ensure, from identity_verification/roles.py.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("identity_verification", "0001_initial"),
    ]

    operations = []
