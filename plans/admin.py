from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from plans.codebook import codebook_seed
from plans.models import (
    AuditEvent,
    Code,
    DeadlineExtension,
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
from plans.services.panel import (
    deadline_extension_check,
    deadline_extension_grant,
    deadline_extension_remove,
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            # A new round starts with the standard codebook, its themes' topics included; after
            # that the panel leads own it (saving the round again never brings codes back).
            codebook_seed(form.instance, Code=Code, Theme=Theme)


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


# --- The ministry panel -------------------------------------------------------------------------


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(admin.ModelAdmin):
    """Ministry administrators grant a council its own deadline; every change is audited."""

    list_display = ["council", "round", "deadline", "granted_by", "granted_at"]
    list_filter = ["round"]
    search_fields = ["council__name", "council__gss_code"]
    fields = ["council", "round", "deadline", "reason", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]

    def get_readonly_fields(self, request, obj=None):
        # An extension belongs to one council and round; grant another for a different one.
        return [*self.readonly_fields, "council", "round"] if obj else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            """The service's own check, so the administrator sees its errors by the field."""

            def clean(self):
                cleaned = super().clean()
                round_ = cleaned.get("round") or getattr(self.instance, "round", None)
                if round_ and cleaned.get("deadline") and "reason" in cleaned:
                    deadline_extension_check(
                        round=round_, deadline=cleaned["deadline"], reason=cleaned["reason"]
                    )
                return cleaned

        return CheckedForm

    def save_model(self, request, obj, form, change):
        extension = deadline_extension_grant(
            council=obj.council,
            round=obj.round,
            deadline=obj.deadline,
            reason=obj.reason,
            user=request.user,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        obj.pk = extension.pk
        obj.granted_by = extension.granted_by
        obj.granted_at = extension.granted_at

    def delete_model(self, request, obj):
        deadline_extension_remove(
            extension=obj, user=request.user, ip_address=request.META.get("REMOTE_ADDR")
        )
        messages.info(request, f"{obj.council} is back to the round's deadline.")

    def delete_queryset(self, request, queryset):
        for extension in queryset:
            self.delete_model(request, extension)
