from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from councils.models import Council, Invitation, Membership, PeopleEvent, User, WorkerHeartbeat


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["council"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "is_panel_member",
        "is_panel_lead",
        "is_staff",
        "is_active",
    ]
    list_filter = ["is_panel_member", "is_panel_lead", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        (
            "Roles",
            {
                "fields": [
                    "is_panel_member",
                    "is_panel_lead",
                    "is_staff",
                    "is_superuser",
                    "is_active",
                ]
            },
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "password1", "password2"]}),
    ]


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "tier", "region"]
    list_filter = ["tier", "region"]
    search_fields = ["name", "gss_code", "nice_name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "council", "role", "manages_people", "title"]
    list_filter = ["role", "manages_people"]
    search_fields = ["user__email", "user__full_name", "council__name"]
    autocomplete_fields = ["user", "council"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "last_seen", "beats"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read only: invitations are made, sent again and withdrawn on the People pages, which
    audit every change."""

    list_display = ["email", "council", "role", "manages_people", "status", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "council__name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PeopleEvent)
class PeopleEventAdmin(admin.ModelAdmin):
    """Append-only: nobody changes or deletes the record of who changed people's access."""

    list_display = ["created_at", "action", "email", "council", "actor"]
    list_filter = ["action"]
    search_fields = ["email", "council__name", "actor__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
