from django.contrib import admin

from plans.models import AuditEvent, GuidingQuestion, Plan, PlanVersion, Revision, Round, Theme


class ThemeInline(admin.StackedInline):
    model = Theme
    extra = 0
    show_change_link = True


class GuidingQuestionInline(admin.TabularInline):
    model = GuidingQuestion
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_at", "deadline", "ministry_email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "round"]
    list_filter = ["round"]
    inlines = [GuidingQuestionInline]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["council", "round", "status", "revision_count", "updated_at"]
    list_filter = ["round", "status"]
    search_fields = ["council__name", "council__gss_code"]
    # Plans change only through the portal's services, never by hand.
    readonly_fields = ["council", "round", "status", "revision_count", "created_by"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records nothing may edit: history, frozen versions and the audit log."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "author", "created_at", "summary"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "sha256", "created_by", "created_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "plan", "actor", "ip_address"]
    list_filter = ["action"]
