"""Pages for a plan's evidence other than KPIs: actions, savings, barriers, partners, strategy
links, spend figures, the plan's cost, a theme's evidence, the context page and the checklist.

Every page finds the plan through `plans_visible_to(user)` (another council's plan is a 404).
An add, change or delete page of a plan whose state no longer allows changes is a 409 page
(`editing`); every change goes through one service in plans.services.evidence, whose refusals
the view places next to the fields they name, keeping what the officer typed.
"""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from councils import permissions
from plans.forms.evidence import (
    ActionForm,
    BarrierForm,
    CoverageForm,
    DeleteForm,
    PartnerForm,
    PlanCostForm,
    SavingForm,
    SpendFiguresForm,
    StrategyForm,
    ThemeQueryForm,
)
from plans.models import Action, Barrier, Partner, SavingsCommitment, StrategyLink
from plans.selectors.drafting import plans_visible_to
from plans.selectors.evidence import (
    barriers_theme_for_plan,
    item_for_plan,
    plan_evidence,
    questions_with_coverage,
    spend_figures_for,
    theme_for_plan,
    themes_of_plan,
)
from plans.services import evidence as services
from plans.services.evidence import EvidenceConflict
from plans.services.revisions import plan_ensure_editable
from plans.views.errors import add_service_errors, can_change_draft, wrong_state

# --- Shared by the evidence and KPI pages ------------------------------------------------------


def editing(view):
    """For an add, change or delete page: the plan (404 if the user may not see it), `plan_edit`
    required (403), and a 409 page when its state no longer allows changes."""

    @wraps(view)
    def wrapper(request, plan_id, **kwargs):
        plan = get_object_or_404(plans_visible_to(request.user), pk=plan_id)
        permissions.require(request.user, "plan_edit", plan)
        try:
            plan_ensure_editable(plan)
        except ValidationError as refused:
            return wrong_state(request, plan=plan, message=refused.messages[0])
        return view(request, plan, **kwargs)

    return wrapper


def viewing(request, plan_id):
    """The plan for a read-only page, and whether the user may change its evidence."""
    plan = get_object_or_404(plans_visible_to(request.user), pk=plan_id)
    return plan, can_change_draft(request.user, plan)


def bound_data(request):
    return request.POST if request.method == "POST" else None


def place_refusal(form, error: ValidationError) -> int:
    """Show a service's refusal on the form and return the page's status code. A stale save
    (409) keeps what the user typed; their next save builds on the newer saved item."""
    if isinstance(error, EvidenceConflict):
        form.data = form.data.copy()
        form.data["base_edit_count"] = str(error.current.edit_count if error.current else 0)
        form.add_error(
            None,
            ValidationError(
                f"Someone else changed this {error.what} while you were editing it. Your "
                "changes have not been saved: check what they saved below, then save again",
                code="edit_conflict",
            ),
        )
        return 409
    return add_service_errors(form, error)


def page_status(form, status: int | None) -> int:
    """A refusal's status, else 400 for a form with errors, else 200."""
    if status and status != 200:
        return status
    return 400 if form.errors else 200


def saved_fields(item, names) -> list[tuple[str, Any]] | None:
    """The newer saved item, as label and value pairs, for the conflict panel."""
    if item is None:
        return None
    pairs = []
    for name in names:
        field = item._meta.get_field(name)
        display = getattr(item, f"get_{name}_display", None)
        value = display() if display else getattr(item, name)
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        pairs.append((field.verbose_name[:1].upper() + field.verbose_name[1:], value))
    return pairs


def render_item_form(request, plan, form, *, title, back_url, conflict=None, status=None):
    context = {
        "plan": plan,
        "form": form,
        "title": title,
        "back_url": back_url,
        "conflict": saved_fields(conflict, form.FIELDS),
    }
    return render(
        request, "plans/evidence/item_form.html", context, status=page_status(form, status)
    )


def render_item_delete(request, plan, form, *, item, noun, back_url, status=None):
    context = {"plan": plan, "form": form, "noun": noun, "item": item, "back_url": back_url}
    return render(
        request, "plans/evidence/item_delete.html", context, status=page_status(form, status)
    )


def theme_url(plan, theme_number: int | None) -> str:
    if theme_number is None:
        return plan.get_absolute_url()
    return reverse("plans:theme_evidence", args=[plan.pk, theme_number])


def context_url(plan) -> str:
    return reverse("plans:context", args=[plan.pk])


# --- Actions -----------------------------------------------------------------------------------


@editing
def action_add(request, plan):
    themes = themes_of_plan(plan=plan)
    asked = ThemeQueryForm.theme_number(request.GET, themes=themes)
    form = ActionForm(bound_data(request), initial={"theme": asked}, themes=themes)
    status = None
    if form.is_bound and form.is_valid():
        try:
            action = services.action_create(
                plan_id=plan.pk,
                theme_number=form.cleaned_data["theme"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Action added")
            return redirect(theme_url(plan, action.theme.number))
    back = theme_url(plan, asked)
    return render_item_form(
        request, plan, form, title="Add an action", back_url=back, status=status
    )


@editing
def action_edit(request, plan, action_id):
    action = item_for_plan(model=Action, plan=plan, item_id=action_id)
    initial = ActionForm.initial_for(action)
    form = ActionForm(bound_data(request), initial=initial, themes=themes_of_plan(plan=plan))
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            action = services.action_update(
                plan_id=plan.pk,
                action_id=action.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                theme_number=form.cleaned_data["theme"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Action saved")
            return redirect(theme_url(plan, action.theme.number))
    back = theme_url(plan, action.theme.number)
    title = "Change the action"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def action_delete(request, plan, action_id):
    action = item_for_plan(model=Action, plan=plan, item_id=action_id)
    back = theme_url(plan, action.theme.number)
    form = DeleteForm(bound_data(request), initial={"base_edit_count": action.edit_count})
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.action_delete(
                plan_id=plan.pk,
                action_id=action.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Action deleted")
            return redirect(back)
    return render_item_delete(
        request, plan, form, item=action, noun="action", back_url=back, status=status
    )


# --- Savings commitments -----------------------------------------------------------------------


@editing
def saving_add(request, plan):
    themes = themes_of_plan(plan=plan)
    asked = ThemeQueryForm.theme_number(request.GET, themes=themes)
    form = SavingForm(bound_data(request), initial={"theme": asked}, themes=themes)
    status = None
    if form.is_bound and form.is_valid():
        try:
            saving = services.saving_create(
                plan_id=plan.pk,
                theme_number=form.cleaned_data["theme"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Savings commitment added")
            return redirect(theme_url(plan, saving.theme.number))
    back = theme_url(plan, asked)
    title = "Add a savings commitment"
    return render_item_form(request, plan, form, title=title, back_url=back, status=status)


@editing
def saving_edit(request, plan, saving_id):
    saving = item_for_plan(model=SavingsCommitment, plan=plan, item_id=saving_id)
    initial = SavingForm.initial_for(saving)
    form = SavingForm(bound_data(request), initial=initial, themes=themes_of_plan(plan=plan))
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            saving = services.saving_update(
                plan_id=plan.pk,
                saving_id=saving.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                theme_number=form.cleaned_data["theme"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Savings commitment saved")
            return redirect(theme_url(plan, saving.theme.number))
    back = theme_url(plan, saving.theme.number)
    title = "Change the savings commitment"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def saving_delete(request, plan, saving_id):
    saving = item_for_plan(model=SavingsCommitment, plan=plan, item_id=saving_id)
    back = theme_url(plan, saving.theme.number)
    form = DeleteForm(bound_data(request), initial={"base_edit_count": saving.edit_count})
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.saving_delete(
                plan_id=plan.pk,
                saving_id=saving.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Savings commitment deleted")
            return redirect(back)
    noun = "savings commitment"
    return render_item_delete(
        request, plan, form, item=saving, noun=noun, back_url=back, status=status
    )


# --- Barriers (under the round's theme that collects them) ------------------------------------


@editing
def barrier_add(request, plan):
    back = theme_url(plan, barriers_theme_for_plan(plan=plan).number)
    form = BarrierForm(bound_data(request))
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.barrier_create(plan_id=plan.pk, fields=form.model_fields(), user=request.user)
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Barrier added")
            return redirect(back)
    return render_item_form(
        request, plan, form, title="Add a barrier", back_url=back, status=status
    )


@editing
def barrier_edit(request, plan, barrier_id):
    barrier = item_for_plan(model=Barrier, plan=plan, item_id=barrier_id)
    back = theme_url(plan, barrier.theme.number)
    form = BarrierForm(bound_data(request), initial=BarrierForm.initial_for(barrier))
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            services.barrier_update(
                plan_id=plan.pk,
                barrier_id=barrier.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Barrier saved")
            return redirect(back)
    title = "Change the barrier"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def barrier_delete(request, plan, barrier_id):
    barrier = item_for_plan(model=Barrier, plan=plan, item_id=barrier_id)
    back = theme_url(plan, barrier.theme.number)
    form = DeleteForm(bound_data(request), initial={"base_edit_count": barrier.edit_count})
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.barrier_delete(
                plan_id=plan.pk,
                barrier_id=barrier.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Barrier deleted")
            return redirect(back)
    return render_item_delete(
        request, plan, form, item=barrier, noun="barrier", back_url=back, status=status
    )


# --- Partners ----------------------------------------------------------------------------------


@editing
def partner_add(request, plan):
    form = PartnerForm(bound_data(request))
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.partner_create(plan_id=plan.pk, fields=form.model_fields(), user=request.user)
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Partner added")
            return redirect(context_url(plan))
    back = context_url(plan)
    return render_item_form(
        request, plan, form, title="Add a partner", back_url=back, status=status
    )


@editing
def partner_edit(request, plan, partner_id):
    partner = item_for_plan(model=Partner, plan=plan, item_id=partner_id)
    form = PartnerForm(bound_data(request), initial=PartnerForm.initial_for(partner))
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            services.partner_update(
                plan_id=plan.pk,
                partner_id=partner.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Partner saved")
            return redirect(context_url(plan))
    back, title = context_url(plan), "Change the partner"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def partner_delete(request, plan, partner_id):
    partner = item_for_plan(model=Partner, plan=plan, item_id=partner_id)
    form = DeleteForm(bound_data(request), initial={"base_edit_count": partner.edit_count})
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.partner_delete(
                plan_id=plan.pk,
                partner_id=partner.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Partner deleted")
            return redirect(context_url(plan))
    back = context_url(plan)
    return render_item_delete(
        request, plan, form, item=partner, noun="partner", back_url=back, status=status
    )


# --- Links to the council's strategies ---------------------------------------------------------


@editing
def strategy_add(request, plan):
    form = StrategyForm(bound_data(request))
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.strategy_create(plan_id=plan.pk, fields=form.model_fields(), user=request.user)
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Link to a strategy added")
            return redirect(context_url(plan))
    back, title = context_url(plan), "Add a link to a strategy"
    return render_item_form(request, plan, form, title=title, back_url=back, status=status)


@editing
def strategy_edit(request, plan, strategy_id):
    link = item_for_plan(model=StrategyLink, plan=plan, item_id=strategy_id)
    form = StrategyForm(bound_data(request), initial=StrategyForm.initial_for(link))
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            services.strategy_update(
                plan_id=plan.pk,
                strategy_id=link.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Link to a strategy saved")
            return redirect(context_url(plan))
    back, title = context_url(plan), "Change the link to a strategy"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def strategy_delete(request, plan, strategy_id):
    link = item_for_plan(model=StrategyLink, plan=plan, item_id=strategy_id)
    form = DeleteForm(bound_data(request), initial={"base_edit_count": link.edit_count})
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.strategy_delete(
                plan_id=plan.pk,
                strategy_id=link.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, "Link to a strategy deleted")
            return redirect(context_url(plan))
    back, noun = context_url(plan), "link to a strategy"
    return render_item_delete(
        request, plan, form, item=link, noun=noun, back_url=back, status=status
    )


# --- Spend figures and the plan's cost ---------------------------------------------------------


@editing
def spend_figures_edit(request, plan):
    initial = SpendFiguresForm.initial_for(spend_figures_for(plan=plan))
    form = SpendFiguresForm(bound_data(request), initial=initial)
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            services.spend_figures_save(
                plan_id=plan.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Spend figures saved")
            return redirect(context_url(plan))
    back, title = context_url(plan), "Spend figures"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def plan_cost_edit(request, plan):
    initial = PlanCostForm.initial_for(spend_figures_for(plan=plan))
    form = PlanCostForm(bound_data(request), initial=initial)
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            services.plan_cost_save(
                plan_id=plan.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                plan_cost=form.cleaned_data["plan_cost"],
                plan_cost_note=form.cleaned_data["plan_cost_note"],
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, "Cost of producing the plan saved")
            return redirect(context_url(plan))
    back, title = context_url(plan), "Cost of producing the plan"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


# --- A theme's evidence, the plan's context, the checklist -------------------------------------


def theme_evidence(request, plan_id, theme_number):
    plan, can_edit = viewing(request, plan_id)
    theme = theme_for_plan(plan=plan, theme_number=theme_number)
    evidence = plan_evidence(plan)
    context = {
        "plan": plan,
        "theme": theme,
        "evidence": evidence.for_theme(theme.pk),
        "savings_total": evidence.savings_total,
        "can_edit": can_edit,
    }
    return render(request, "plans/evidence/theme_evidence.html", context)


def plan_context(request, plan_id):
    plan, can_edit = viewing(request, plan_id)
    context = {"plan": plan, "evidence": plan_evidence(plan), "can_edit": can_edit}
    return render(request, "plans/evidence/context.html", context)


@editing
def coverage_edit(request, plan, theme_number):
    theme = theme_for_plan(plan=plan, theme_number=theme_number)
    questions = questions_with_coverage(plan=plan, theme=theme)
    initial = CoverageForm.initial_for(questions)
    form = CoverageForm(bound_data(request), initial=initial, questions=questions)
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.coverage_save(
                plan_id=plan.pk,
                theme_number=theme.number,
                answered=form.cleaned_data["answered"],
                seen=form.cleaned_data["seen"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, f"Checklist for theme {theme.number} saved")
            return redirect(plan)
    context = {"plan": plan, "theme": theme, "form": form}
    return render(
        request, "plans/evidence/coverage_form.html", context, status=page_status(form, status)
    )
