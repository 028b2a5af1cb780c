"""The one admin base for "staff see only their municipality": rows, choices and filters.

Every app's admin subclasses `MunicipalityScopedAdmin`. A member of staff tied to a municipality sees and edits
only its rows and picks only its related rows (any related model with a `municipality`, and the municipality
itself); superusers see everything, and staff tied to no municipality see nothing.
"""

from django.contrib import admin

from portal.models import Municipality


def _scoped_choices(model, municipality_id):
    if model is Municipality:
        return Municipality.objects.filter(pk=municipality_id)
    if any(field.name == "municipality" for field in model._meta.get_fields()):
        return model._default_manager.filter(municipality_id=municipality_id)
    return None


class MunicipalityScopedAdmin(admin.ModelAdmin):
    # The path from this admin's model to its municipality, e.g. "service__municipality".
    municipality_field = "municipality"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        municipality_id = getattr(user, "municipality_id", None)
        if not user.is_staff or municipality_id is None:
            return queryset.none()
        return queryset.filter(**{f"{self.municipality_field}_id": municipality_id})

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser and self.municipality_field == "municipality" and "municipality" not in filters:
            filters.append("municipality")
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            choices = _scoped_choices(db_field.remote_field.model, getattr(request.user, "municipality_id", None))
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            choices = _scoped_choices(db_field.remote_field.model, getattr(request.user, "municipality_id", None))
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)
