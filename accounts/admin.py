"""Django admin of users: Django's own user admin plus the office and role our permissions read."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import token_revoke

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

    # A changed password, or an account turned off, ends the user's API token at once, as `create_office_user` does:
    # a token is a password that travels with every request.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"password", "is_active"} & set(form.changed_data):
            token_revoke(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the new password was saved
            token_revoke(user=self.get_object(request, unquote(id)))
        return response
