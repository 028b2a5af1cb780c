"""Staff roles: a named group with its permissions, made by one `group_ensure()` after every `migrate`.

Each app states its roles (`<app>/roles.py`) and registers them in its `AppConfig.ready()`; the `post_migrate`
receiver below makes or repairs their groups once that app's permissions exist. No data migration, so a role can
grow a permission by editing one list.
"""

from dataclasses import dataclass

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q


@dataclass(frozen=True)
class StaffRole:
    group: str  # the group's name, as clerks and administrators see it
    permissions: tuple[str, ...]  # "app_label.codename"


_roles: dict[str, list[StaffRole]] = {}


def register_staff_role(*, app_label: str, role: StaffRole) -> None:
    _roles.setdefault(app_label, []).append(role)


def group_ensure(role: StaffRole, *, using: str = DEFAULT_DB_ALIAS) -> Group:
    """The role's group with (at least) its permissions; safe to repeat."""
    group, _created = Group.objects.using(using).get_or_create(name=role.group)
    wanted = Q()
    for permission in role.permissions:
        app_label, codename = permission.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = list(Permission.objects.using(using).filter(wanted))
    if len(permissions) != len(role.permissions):
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        raise LookupError(f"{role.group}: no such permission {sorted(set(role.permissions) - found)}")
    group.permissions.add(*permissions)
    return group


def groups_ensure_after_migrate(sender, app_config, using=DEFAULT_DB_ALIAS, verbosity=1, **kwargs) -> None:
    roles = _roles.get(app_config.label, [])
    if not roles:
        return
    # Django makes permissions in its own post_migrate receiver, which may run after this one: make them now.
    create_permissions(app_config, verbosity=0, using=using)
    for role in roles:
        group_ensure(role, using=using)
