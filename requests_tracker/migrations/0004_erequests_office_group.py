"""Once the «Γραφείο e-αιτημάτων» (e-requests office) group's data migration; kept empty so that the migration graph stays the same.

The group is made (and repaired) after every `migrate` by accounts.roles.group_ensure, from requests_tracker/roles.py.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0003_erequests"),
    ]

    operations = []
