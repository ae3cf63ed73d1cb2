"""Django admin of users: Django's own user admin plus the office and role our permissions read."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User

OFFICE_AND_ROLE = (_("Office and role"), {"fields": ("office", "role")})


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*DjangoUserAdmin.fieldsets, OFFICE_AND_ROLE)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, OFFICE_AND_ROLE)
    list_display = (*DjangoUserAdmin.list_display, "office", "role")
    list_filter = ("role", "office", *DjangoUserAdmin.list_filter)
    list_select_related = ("office",)
    search_fields = (*DjangoUserAdmin.search_fields, "office__name")
    autocomplete_fields = ("office",)
