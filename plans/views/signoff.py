"""Pages for sign-off: officers send a version, councillors decide, everyone sees the timeline."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
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
from plans.models import SignOffDecision, SignOffRequest
from plans.services.signoff import (
    decision_record_save,
    plan_ensure_correctable,
    plan_ensure_sendable,
    plan_send_for_sign_off,
    plan_start_correction,
    sign_off_duty_conflict,
    sign_off_ensure_open,
    sign_off_record_decision,
    sign_off_request_validate,
    statutory_comment_add,
)
from plans.views.errors import add_service_errors, wrong_state
from productivity.http import client_ip


def _visible_plan(request, plan_id):
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)


def _sign_off(request, plan_id, number):
    plan = _visible_plan(request, plan_id)
    permissions.require(request.user, "sign_off_view", plan)
    return selectors.sign_off_for_version(plan=plan, number=number)


def _refused(request, plan, refusal: ValidationError):
    return wrong_state(request, plan=plan, message=refusal.messages[0])


def _may_send(user, plan) -> bool:
    return plan.is_sendable and permissions.can(user, "plan_send_for_sign_off", plan)


def sign_off_send_panel(request, plan) -> dict:
    """The foot of "Check your plan" (context key "sign_off_panel"): whether to offer sending."""
    return {"can_send": _may_send(request.user, plan)}


def sign_off_panel(request, plan) -> dict:
    """The task list's sign-off section (context key "sign_off_panel"): the latest request, the
    comments of councillors asking for changes, and what the signed-in user may do next."""
    user = request.user
    latest = selectors.sign_off_latest(plan)
    changes = []
    if latest and latest.status == SignOffRequest.Status.CHANGES_REQUESTED:
        changes = [
            decision
            for decision in selectors.sign_off_decisions(latest)
            if decision.outcome == SignOffDecision.Outcome.REQUEST_CHANGES
        ]
    return {
        "latest": latest,
        "changes": changes,
        "can_send": _may_send(user, plan),
        "can_correct": plan.is_correctable and permissions.can(user, "plan_start_correction", plan),
        "can_view_timeline": permissions.can(user, "plan_view_timeline", plan),
    }


def sign_off_send(request, plan_id):
    """Choose who must approve and add a note, then confirm the version's reference and send."""
    plan = selectors.plan_with_sections(user=request.user, plan_id=plan_id)
    permissions.require(request.user, "plan_send_for_sign_off", plan)
    try:
        plan_ensure_sendable(plan)
    except ValidationError as refusal:
        return _refused(request, plan, refusal)
    councillors = list(selectors.plan_councillors(plan))
    form = SendForSignOffForm(
        request.POST if request.method == "POST" else None, councillors=councillors
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = [m for m in councillors if m.user_id in form.cleaned_data["councillors"]]
        rule = {
            "plan": plan,
            "councillors": [membership.user for membership in chosen],
            "required_count": form.cleaned_data["required_count"],
            "covering_note": form.cleaned_data["covering_note"],
        }
        try:
            if "confirm" in request.POST:
                sign_off = plan_send_for_sign_off(
                    **rule,
                    user=request.user,
                    expected_sha256=request.POST.get("sha256", ""),
                    ip_address=client_ip(request),
                )
                messages.success(request, f"Version {sign_off.version.number} sent for sign-off")
                return redirect(sign_off)
            sign_off_request_validate(**rule)
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            if "change" not in request.POST:
                return render(
                    request,
                    "plans/signoff/send_confirm.html",
                    {
                        "plan": plan,
                        "form": form,
                        "sha256": content_sha256(plan_content(plan)),
                        "chosen": chosen,
                    },
                )
    return render(
        request,
        "plans/signoff/send.html",
        {"plan": plan, "form": form, "councillors": councillors},
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
    form = None
    status = 200
    if request.method == "POST":
        permissions.require(request.user, "sign_off_decide", sign_off)
        try:
            sign_off_ensure_open(sign_off, to="decide")
        except ValidationError as refusal:
            return _refused(request, plan, refusal)
    may_decide = permissions.can(request.user, "sign_off_decide", sign_off)
    duty_conflict = may_decide and sign_off_duty_conflict(sign_off=sign_off, user=request.user)
    if request.method == "POST" and duty_conflict:
        raise PermissionDenied(duty_conflict)
    if (
        may_decide
        and sign_off.is_open
        and not decided
        and not duty_conflict
        or (request.method == "POST")
    ):
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
            status = add_service_errors(form, error)
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
        "duty_conflict": sign_off.is_open and not decided and duty_conflict,
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
    try:
        sign_off_ensure_open(sign_off, to="comment")
    except ValidationError as refusal:
        return _refused(request, sign_off.plan, refusal)
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
            status = add_service_errors(form, error)
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
    try:
        sign_off_ensure_open(sign_off, to="record_decision")
    except ValidationError as refusal:
        return _refused(request, sign_off.plan, refusal)
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
            status = add_service_errors(form, error)
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
    """Every audit event of the plan, titled by the event's label (see AuditEvent.Action)."""
    plan = _visible_plan(request, plan_id)
    permissions.require(request.user, "plan_view_timeline", plan)
    return render(
        request,
        "plans/signoff/timeline.html",
        {"plan": plan, "events": list(selectors.plan_timeline(plan))},
    )


def plan_correction(request, plan_id):
    """Confirm, then reopen an approved or submitted plan as a new draft."""
    plan = _visible_plan(request, plan_id)
    permissions.require(request.user, "plan_start_correction", plan)
    try:
        plan_ensure_correctable(plan)
        if request.method == "POST":
            plan_start_correction(plan=plan, user=request.user, ip_address=client_ip(request))
            messages.success(
                request, "The plan is a draft again. The approved version stays on record"
            )
            return redirect(plan)
    except ValidationError as refusal:
        return _refused(request, plan, refusal)
    return render(
        request,
        "plans/signoff/correction.html",
        {"plan": plan, "approved": selectors.sign_off_latest(plan)},
    )
