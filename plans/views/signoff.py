"""Pages for sign-off: officers send a version, councillors decide, everyone sees the timeline."""

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from councils import permissions
from plans import selectors
from plans.content import content_sha256, plan_content
from plans.diff import diff_contents
from plans.forms.signoff import (
    DecisionRecordForm,
    SendForSignOffForm,
    SignOffDecisionForm,
    StatutoryCommentForm,
)
from plans.markdown import render_markdown
from plans.services.signoff import (
    SENDABLE_STATUSES,
    decision_record_save,
    plan_send_for_sign_off,
    plan_start_correction,
    sign_off_record_decision,
    statutory_comment_add,
)
from plans.templatetags.govuk import govuk_date, govuk_datetime
from productivity.http import client_ip

# Service errors that belong to a form field rather than to the whole form.
_FIELD_FOR_CODE = {
    "declaration_required": "declaration",
    "comment_required": "comment",
    "rule_required": "rule",
    "not_a_councillor": "councillors",
    "count_out_of_range": "required_count",
    "no_call_in": "call_in_ends",
    "call_in_before_decision": "call_in_ends",
    "date_in_future": "decision_date",
}


def _add_service_error(form, error: ValidationError) -> int:
    """Show a service's refusal on the form; 409 when the plan's state refused it."""
    field = _FIELD_FOR_CODE.get(error.code)
    form.add_error(field if field in form.fields else None, error)
    return 409 if error.code == "invalid_transition" else 200


def _visible_plan(request, plan_id):
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)


def _sign_off(request, plan_id, number):
    plan = _visible_plan(request, plan_id)
    permissions.require(request.user, "sign_off_view", plan)
    return selectors.sign_off_for_version(plan=plan, number=number)


def sign_off_send(request, plan_id):
    """Choose who must approve and add a note, then confirm the version's reference and send."""
    plan = selectors.plan_with_sections(user=request.user, plan_id=plan_id)
    permissions.require(request.user, "plan_send_for_sign_off", plan)
    councillors = list(selectors.plan_councillors(plan))
    form = SendForSignOffForm(
        request.POST if request.method == "POST" else None, councillors=councillors
    )
    sendable = plan.status in SENDABLE_STATUSES
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["councillors"]
        if "confirm" in request.POST:
            try:
                sign_off = plan_send_for_sign_off(
                    plan=plan,
                    user=request.user,
                    councillors=[m.user for m in councillors if m.user_id in chosen],
                    required_count=form.cleaned_data["required_count"],
                    covering_note=form.cleaned_data["covering_note"],
                    expected_sha256=request.POST.get("sha256", ""),
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                status = _add_service_error(form, error)
            else:
                messages.success(request, f"Version {sign_off.version.number} sent for sign-off")
                return redirect(sign_off)
        elif "change" not in request.POST and sendable:
            return render(
                request,
                "plans/signoff/send_confirm.html",
                {
                    "plan": plan,
                    "form": form,
                    "sha256": content_sha256(plan_content(plan)),
                    "chosen": [m for m in councillors if m.user_id in chosen],
                },
            )
    return render(
        request,
        "plans/signoff/send.html",
        {"plan": plan, "form": form, "sendable": sendable, "councillors": councillors},
        status=status,
    )


@require_GET
def sign_off_awaiting(request):
    """The plans awaiting the signed-in councillor's decision."""
    return render(
        request,
        "plans/signoff/awaiting.html",
        {"sign_offs": selectors.sign_off_requests_awaiting(request.user)},
    )


def sign_off_detail(request, plan_id, number):
    """The frozen version, what changed, comments and approvals so far; councillors decide here."""
    sign_off = _sign_off(request, plan_id, number)
    plan, version = sign_off.plan, sign_off.version
    decided = selectors.sign_off_has_decided(sign_off=sign_off, user=request.user)
    may_decide = permissions.can(request.user, "sign_off_decide", sign_off)
    form = None
    status = 200
    if request.method == "POST":
        permissions.require(request.user, "sign_off_decide", sign_off)
    if may_decide and sign_off.is_open and not decided or request.method == "POST":
        form = SignOffDecisionForm(
            request.POST if request.method == "POST" else None,
            council_name=plan.council.name,
            initial={"version_sha256": version.sha256},
        )
    if request.method == "POST" and form.is_valid():
        try:
            sign_off_record_decision(
                sign_off_id=sign_off.pk,
                user=request.user,
                outcome=form.cleaned_data["outcome"],
                version_sha256=form.cleaned_data["version_sha256"],
                comment=form.cleaned_data["comment"],
                declaration=form.cleaned_data["declaration"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            status = _add_service_error(form, error)
        else:
            messages.success(request, "Your decision has been recorded")
            return redirect("plans:sign_off", plan.pk, version.number)
    previous = selectors.version_last_seen_before(sign_off=sign_off, user=request.user)
    context = {
        "plan": plan,
        "sign_off": sign_off,
        "version": version,
        "themes": [
            {**theme, "html": render_markdown(theme["narrative"])}
            for theme in version.content["themes"]
        ],
        "previous": previous,
        "diff": diff_contents(previous.content, version.content) if previous else None,
        "decisions": list(selectors.sign_off_decisions(sign_off)),
        "eligible": list(selectors.sign_off_eligible_councillors(sign_off)),
        "statutory_comments": list(selectors.statutory_comments_for_version(version)),
        "decision_record": selectors.decision_record_for_version(version),
        "decided": decided,
        "form": form,
        "can_comment": sign_off.is_open
        and permissions.can(request.user, "statutory_comment", plan),
        "can_record_decision": sign_off.is_open
        and permissions.can(request.user, "plan_record_decision", plan),
    }
    return render(request, "plans/signoff/detail.html", context, status=status)


def statutory_comment_create(request, plan_id, number):
    sign_off = _sign_off(request, plan_id, number)
    permissions.require(request.user, "statutory_comment", sign_off.plan)
    form = StatutoryCommentForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            statutory_comment_add(
                sign_off_id=sign_off.pk,
                user=request.user,
                text=form.cleaned_data["text"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            status = _add_service_error(form, error)
        else:
            messages.success(request, "Your comment has been added")
            return redirect(sign_off)
    return render(
        request,
        "plans/signoff/statutory_comment.html",
        {"plan": sign_off.plan, "sign_off": sign_off, "form": form},
        status=status,
    )


def decision_record_edit(request, plan_id, number):
    sign_off = _sign_off(request, plan_id, number)
    permissions.require(request.user, "plan_record_decision", sign_off.plan)
    record = selectors.decision_record_for_version(sign_off.version)
    initial = {}
    if record:
        initial = {
            "route": record.route,
            "decision_date": record.decision_date,
            "decision_url": record.decision_url,
            "call_in_ends": record.call_in_ends,
        }
    form = DecisionRecordForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            decision_record_save(
                sign_off_id=sign_off.pk, user=request.user, ip_address=client_ip(request),
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as error:
            status = _add_service_error(form, error)
        else:
            messages.success(request, "The council’s decision has been recorded")
            return redirect(sign_off)
    return render(
        request,
        "plans/signoff/decision_record.html",
        {"plan": sign_off.plan, "sign_off": sign_off, "form": form, "record": record},
        status=status,
    )


@require_GET
def plan_timeline(request, plan_id):
    plan = _visible_plan(request, plan_id)
    permissions.require(request.user, "plan_view_timeline", plan)
    return render(
        request,
        "plans/signoff/timeline.html",
        {"plan": plan, "entries": [_describe(event) for event in selectors.plan_timeline(plan)]},
    )


def _describe(event) -> dict:
    """A timeline entry in words: a title and any detail (comments, names, dates)."""
    detail, version = event.detail, event.version
    ref = f"version {version.number} ({version.reference})" if version else "the plan"
    titles = {
        "plan_started": "Started the plan",
        "version_frozen": f"Froze {ref}",
        "sign_off_requested": f"Sent {ref} for sign-off",
        "sign_off_approved": f"Approved {ref}",
        "sign_off_changes_requested": f"Asked for changes to {ref}",
        "statutory_comment_added": f"Added a statutory comment on {ref}",
        "sign_off_withdrawn": f"Sign-off of {ref} withdrawn",
        "decision_recorded": f"Recorded the council’s decision on {ref}",
        "decision_corrected": f"Corrected the council’s decision on {ref}",
        "plan_approved": f"{ref[0].upper()}{ref[1:]} approved",
        "submission_queued": f"Queued {ref} for submission to the ministry",
        "submission_sent": f"Sent {ref} to the ministry",
        "submission_failed": f"Submission of {ref} failed",
        "submission_retried": f"Retrying the submission of {ref}",
        "submission_withdrawn": f"Withdrew the unsent submission of {ref}",
        "correction_started": "Started a correction: the plan is a draft again",
    }
    text = ""
    if event.action == "sign_off_requested":
        names = detail.get("councillors") or []
        text = (
            "All of: " + ", ".join(names)
            if names
            else f"Any {detail.get('required_count')} of the council’s councillors"
        )
    elif event.action in ("sign_off_changes_requested", "statutory_comment_added"):
        text = detail.get("comment") or detail.get("text") or ""
    elif event.action == "sign_off_withdrawn":
        text = detail.get("reason", "")
    elif event.action in ("decision_recorded", "decision_corrected"):
        text = f"{detail.get('route_label', '')}, {govuk_date(_date(detail['decision_date']))}"
        if detail.get("call_in_ends"):
            text += f"; call-in ends {govuk_date(_date(detail['call_in_ends']))}"
    elif event.action == "submission_queued":
        not_before = detail.get("not_before")
        text = (
            f"Not before {govuk_datetime(datetime.fromisoformat(not_before))}"
            if not_before
            else "As soon as possible"
        )
    title = titles.get(event.action, event.action.replace("_", " ").capitalize())
    return {"event": event, "title": title, "text": text}


def _date(value: str) -> date:
    return date.fromisoformat(value)


def plan_correction(request, plan_id):
    """Confirm, then reopen an approved or submitted plan as a new draft."""
    plan = _visible_plan(request, plan_id)
    permissions.require(request.user, "plan_start_correction", plan)
    error = None
    status = 200
    if request.method == "POST":
        try:
            plan_start_correction(plan=plan, user=request.user, ip_address=client_ip(request))
        except ValidationError as refused:
            error, status = refused.messages[0], 409
        else:
            messages.success(
                request, "The plan is a draft again. The approved version stays on record"
            )
            return redirect(plan)
    return render(
        request,
        "plans/signoff/correction.html",
        {"plan": plan, "error": error, "approved": selectors.sign_off_latest(plan)},
        status=status,
    )
