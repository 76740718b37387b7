from django.contrib import admin

from plans.models import (
    AuditEvent,
    GuidingQuestion,
    Plan,
    PlanVersion,
    ReminderSent,
    Revision,
    Round,
    Submission,
    SubmissionAttempt,
    Theme,
)


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


@admin.action(description="Retry the selected failed submissions")
def retry_failed_submissions(modeladmin, request, queryset):
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from plans.services.delivery import submission_retry

    retried = 0
    for submission_id in queryset.values_list("pk", flat=True):
        try:
            submission_retry(submission_id=submission_id, user=request.user)
        except ValidationError:
            continue
        retried += 1
    skipped = queryset.count() - retried
    message = f"{retried} submission{'s' if retried != 1 else ''} queued to try again."
    if skipped:
        message += f" {skipped} skipped: only failed submissions can be retried."
    modeladmin.message_user(request, message, messages.SUCCESS if retried else messages.WARNING)


class SubmissionAttemptInline(admin.TabularInline):
    model = SubmissionAttempt
    extra = 0
    can_delete = False
    fields = ["number", "outcome", "stage", "worker", "error", "started_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "version", "status", "attempts", "sent_at", "is_late", "next_retry_at"]
    list_filter = ["status", "is_late", "plan__round"]
    search_fields = ["plan__council__name", "plan__council__gss_code", "message_id"]
    exclude = ["pdf"]
    actions = [retry_failed_submissions]
    inlines = [SubmissionAttemptInline]

    def has_change_permission(self, request, obj=None):
        # Viewing is allowed and the retry action needs it; the fields themselves are read-only.
        return request.user.is_staff

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Submission._meta.fields if field.name != "pdf"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["round", "council", "days_before", "recipients", "sent_at"]
    list_filter = ["round", "days_before"]
