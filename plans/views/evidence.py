"""Pages for a plan's evidence: KPIs, actions, savings, barriers, figures, context and checklist.

Every page finds the plan through `plans_visible_to(user)` (another council's plan is a 404),
every change goes through one service in plans.services.evidence, and a stale or refused save
re-shows the form with what the officer typed.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from councils import permissions
from plans import selectors
from plans.charts import kpi_summary
from plans.forms.evidence import (
    ActionForm,
    BarrierForm,
    CoverageForm,
    DeleteForm,
    KpiForm,
    KpiImportForm,
    KpiValueForm,
    PartnerForm,
    PlanCostForm,
    SavingForm,
    SpendFiguresForm,
    StrategyForm,
)
from plans.kpi_import import template_csv
from plans.models import Action, Barrier, Partner, SavingsCommitment, StrategyLink
from plans.services import evidence as services
from plans.services.evidence import EvidenceConflict


def _plan(request, plan_id, *, edit: bool = False):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    if edit:
        permissions.require(request.user, "plan_edit", plan)
    return plan


def _add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the fields it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _conflict_form(form_class, data, current_version: int, what: str, **kwargs):
    """Keep what the user typed; the next save builds on the newer saved item."""
    data = data.copy()
    data["base_version"] = str(current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(
        None,
        ValidationError(
            f"Someone else changed this {what} while you were editing it. Your changes have not "
            "been saved: check what they saved below, then save again",
            code="edit_conflict",
        ),
    )
    return form


def _saved_fields(item, names) -> list[tuple[str, Any]]:
    """The newer saved item, as label and value pairs, for the conflict panel."""
    if item is None:
        return []
    pairs = []
    for name in names:
        field = item._meta.get_field(name)
        display = getattr(item, f"get_{name}_display", None)
        value = display() if display else getattr(item, name)
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        pairs.append((field.verbose_name[:1].upper() + field.verbose_name[1:], value))
    return pairs


# --- Actions, savings, barriers, partners, strategy links: one set of views ----------------------


@dataclass(frozen=True)
class ItemKind:
    model: type
    form_class: type
    noun: str
    create: Any
    update: Any
    delete: Any
    id_kwarg: str
    themed: bool = True
    barrier_theme: bool = False


KINDS = {
    "actions": ItemKind(
        Action,
        ActionForm,
        "action",
        services.action_create,
        services.action_update,
        services.action_delete,
        "action_id",
    ),
    "savings": ItemKind(
        SavingsCommitment,
        SavingForm,
        "savings commitment",
        services.saving_create,
        services.saving_update,
        services.saving_delete,
        "saving_id",
    ),
    "barriers": ItemKind(
        Barrier,
        BarrierForm,
        "barrier",
        services.barrier_create,
        services.barrier_update,
        services.barrier_delete,
        "barrier_id",
        themed=False,
        barrier_theme=True,
    ),
    "partners": ItemKind(
        Partner,
        PartnerForm,
        "partner",
        services.partner_create,
        services.partner_update,
        services.partner_delete,
        "partner_id",
        themed=False,
    ),
    "strategies": ItemKind(
        StrategyLink,
        StrategyForm,
        "link to a strategy",
        services.strategy_create,
        services.strategy_update,
        services.strategy_delete,
        "strategy_id",
        themed=False,
    ),
}


def _form_kwargs(kind: ItemKind, plan) -> dict:
    return {"themes": selectors.themes_of_plan(plan=plan)} if kind.themed else {}


def _theme_number(kind: ItemKind, plan, form) -> dict:
    if kind.themed:
        return {"theme_number": form.cleaned_data["theme"]}
    if kind.barrier_theme:
        return {"theme_number": selectors.themes_of_plan(plan=plan).last().number}
    return {}


def _back_url(kind: ItemKind, plan, theme_number: int | None) -> str:
    if kind.barrier_theme:
        theme_number = selectors.themes_of_plan(plan=plan).last().number
    if theme_number is not None:
        return reverse("plans:theme_evidence", args=[plan.pk, theme_number])
    return reverse("plans:context", args=[plan.pk])


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def _render_item_form(request, plan, kind, form, *, item=None, conflict=None, status=200):
    theme = item.theme if item is not None and hasattr(item, "theme") else None
    asked = request.GET.get("theme", "")
    back = _back_url(
        kind, plan, theme.number if theme else (int(asked) if asked.isdigit() else None)
    )
    return render(
        request,
        "plans/evidence/item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": f"Change the {kind.noun}" if item else f"Add {_a(kind.noun)}",
            "back_url": back,
            "conflict": _saved_fields(conflict, kind.form_class.FIELDS) if conflict else None,
        },
        status=status,
    )


def item_add(request, plan_id, kind):
    kind = KINDS[kind]
    plan = _plan(request, plan_id, edit=True)
    if request.method == "POST":
        form = kind.form_class(request.POST, **_form_kwargs(kind, plan))
        if form.is_valid():
            try:
                extra = _theme_number(kind, plan, form)
                kind.create(plan_id=plan.pk, fields=form.model_fields(), user=request.user, **extra)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{kind.noun[:1].upper()}{kind.noun[1:]} added")
                return redirect(_back_url(kind, plan, extra.get("theme_number")))
    else:
        initial = {"theme": request.GET.get("theme")} if kind.themed else {}
        form = kind.form_class(initial=initial, **_form_kwargs(kind, plan))
    return _render_item_form(request, plan, kind, form, status=400 if form.errors else 200)


def item_edit(request, plan_id, kind, item_id):
    kind = KINDS[kind]
    plan = _plan(request, plan_id, edit=True)
    item = selectors.item_for_plan(model=kind.model, plan=plan, item_id=item_id)
    conflict = None
    if request.method == "POST":
        form = kind.form_class(request.POST, **_form_kwargs(kind, plan))
        if form.is_valid():
            try:
                extra = _theme_number(kind, plan, form)
                kind.update(
                    plan_id=plan.pk,
                    base_version=form.cleaned_data["base_version"],
                    fields=form.model_fields(),
                    user=request.user,
                    **{kind.id_kwarg: item.pk},
                    **extra,
                )
            except EvidenceConflict as error:
                conflict = error.current
                form = _conflict_form(
                    kind.form_class,
                    request.POST,
                    conflict.version,
                    kind.noun,
                    **_form_kwargs(kind, plan),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{kind.noun[:1].upper()}{kind.noun[1:]} saved")
                return redirect(_back_url(kind, plan, extra.get("theme_number")))
    else:
        form = kind.form_class(
            initial=kind.form_class.initial_for(item), **_form_kwargs(kind, plan)
        )
    status = 409 if conflict else (400 if form.errors else 200)
    return _render_item_form(request, plan, kind, form, item=item, conflict=conflict, status=status)


def item_delete(request, plan_id, kind, item_id):
    kind_name, kind = kind, KINDS[kind]
    plan = _plan(request, plan_id, edit=True)
    item = selectors.item_for_plan(model=kind.model, plan=plan, item_id=item_id)
    back = _back_url(kind, plan, item.theme.number if kind.themed else None)
    form = DeleteForm(request.POST or None, initial={"base_version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            kind.delete(
                plan_id=plan.pk,
                base_version=form.cleaned_data["base_version"],
                user=request.user,
                **{kind.id_kwarg: item.pk},
            )
        except EvidenceConflict as error:
            form = _conflict_form(DeleteForm, request.POST, error.current.version, kind.noun)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{kind.noun[:1].upper()}{kind.noun[1:]} deleted")
            return redirect(back)
    return render(
        request,
        "plans/evidence/item_delete.html",
        {
            "plan": plan,
            "form": form,
            "noun": kind.noun,
            "item": item,
            "back_url": back,
            "kind": kind_name,
        },
        status=409 if form.non_field_errors() else 200,
    )


# --- KPIs --------------------------------------------------------------------------------------


def kpi_list(request, plan_id):
    plan = _plan(request, plan_id)
    kpis = list(selectors.kpis_for_plan(plan=plan))
    return render(
        request,
        "plans/evidence/kpi_list.html",
        {"plan": plan, "kpis": kpis, "can_edit": permissions.can(request.user, "plan_edit", plan)},
    )


def kpi_detail(request, plan_id, kpi_id, value_form=None, status=200):
    plan = _plan(request, plan_id)
    kpi = selectors.kpi_for_plan(plan=plan, kpi_id=kpi_id)
    can_edit = permissions.can(request.user, "plan_edit", plan)
    if value_form is None and can_edit:
        value_form = KpiValueForm(kpi=kpi, initial={"base_version": kpi.version})
    return render(
        request,
        "plans/evidence/kpi_detail.html",
        {
            "plan": plan,
            "kpi": kpi,
            "form": value_form,
            "can_edit": can_edit,
            "summary": kpi_summary(kpi),
        },
        status=status,
    )


def _render_kpi_form(request, plan, form, *, kpi=None, conflict=None, status=200):
    return render(
        request,
        "plans/evidence/item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": "Change the KPI" if kpi else "Add a KPI",
            "back_url": kpi.get_absolute_url() if kpi else reverse("plans:kpis", args=[plan.pk]),
            "conflict": _saved_fields(conflict, KpiForm.FIELDS) if conflict else None,
        },
        status=status,
    )


def kpi_add(request, plan_id):
    plan = _plan(request, plan_id, edit=True)
    themes = selectors.themes_of_plan(plan=plan)
    if request.method == "POST":
        form = KpiForm(request.POST, themes=themes)
        if form.is_valid():
            try:
                kpi = services.kpi_create(
                    plan_id=plan.pk,
                    theme_number=form.cleaned_data["theme"],
                    fields=form.model_fields(),
                    user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"KPI {kpi.code} added. Now add its values")
                return redirect(kpi)
    else:
        form = KpiForm(initial={"theme": request.GET.get("theme"), "tolerance": "0"}, themes=themes)
    return _render_kpi_form(request, plan, form, status=400 if form.errors else 200)


def kpi_edit(request, plan_id, kpi_id):
    plan = _plan(request, plan_id, edit=True)
    kpi = selectors.kpi_for_plan(plan=plan, kpi_id=kpi_id)
    themes = selectors.themes_of_plan(plan=plan)
    conflict = None
    if request.method == "POST":
        form = KpiForm(request.POST, themes=themes)
        if form.is_valid():
            try:
                services.kpi_update(
                    plan_id=plan.pk,
                    kpi_id=kpi.pk,
                    base_version=form.cleaned_data["base_version"],
                    theme_number=form.cleaned_data["theme"],
                    fields=form.model_fields(),
                    user=request.user,
                )
            except EvidenceConflict as error:
                conflict = error.current
                form = _conflict_form(KpiForm, request.POST, conflict.version, "KPI", themes=themes)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"KPI {form.cleaned_data['code']} saved")
                return redirect(kpi)
    else:
        form = KpiForm(initial=KpiForm.initial_for(kpi), themes=themes)
    status = 409 if conflict else (400 if form.errors else 200)
    return _render_kpi_form(request, plan, form, kpi=kpi, conflict=conflict, status=status)


def kpi_delete(request, plan_id, kpi_id):
    plan = _plan(request, plan_id, edit=True)
    kpi = selectors.kpi_for_plan(plan=plan, kpi_id=kpi_id)
    form = DeleteForm(request.POST or None, initial={"base_version": kpi.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.kpi_delete(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_version=form.cleaned_data["base_version"],
                user=request.user,
            )
        except EvidenceConflict as error:
            form = _conflict_form(DeleteForm, request.POST, error.current.version, "KPI")
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"KPI {kpi.code} deleted")
            return redirect("plans:kpis", plan.pk)
    return render(
        request,
        "plans/evidence/item_delete.html",
        {
            "plan": plan,
            "form": form,
            "noun": "KPI",
            "item": kpi,
            "back_url": kpi.get_absolute_url(),
            "kind": "kpis",
        },
        status=409 if form.non_field_errors() else 200,
    )


@require_POST
def kpi_value_add(request, plan_id, kpi_id):
    plan = _plan(request, plan_id, edit=True)
    kpi = selectors.kpi_for_plan(plan=plan, kpi_id=kpi_id)
    form = KpiValueForm(request.POST, kpi=kpi)
    if form.is_valid():
        try:
            services.kpi_value_set(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_version=form.cleaned_data["base_version"],
                period_start=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                user=request.user,
            )
        except EvidenceConflict as error:
            form = _conflict_form(KpiValueForm, request.POST, error.current.version, "KPI", kpi=kpi)
            return kpi_detail(request, plan_id, kpi_id, value_form=form, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            label = kpi.period_label(form.cleaned_data["period"])
            messages.success(request, f"Value for {label} saved")
            return redirect(kpi)
    return kpi_detail(request, plan_id, kpi_id, value_form=form, status=400)


@require_POST
def kpi_value_delete(request, plan_id, kpi_id, value_id):
    plan = _plan(request, plan_id, edit=True)
    kpi = selectors.kpi_for_plan(plan=plan, kpi_id=kpi_id)
    value = get_object_or_404(kpi.values.all(), pk=value_id)
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            services.kpi_value_delete(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                value_id=value.pk,
                base_version=form.cleaned_data["base_version"],
                user=request.user,
            )
        except EvidenceConflict:
            value_form = KpiValueForm(kpi=kpi, initial={"base_version": kpi.version})
            value_form.add_error(
                None, "Someone else changed this KPI. Check its values, then try again"
            )
            return kpi_detail(request, plan_id, kpi_id, value_form=value_form, status=409)
        messages.success(request, f"Value for {value.period_label} deleted")
    return redirect(kpi)


def kpi_import(request, plan_id):
    plan = _plan(request, plan_id, edit=True)
    result = None
    if request.method == "POST":
        form = KpiImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = services.kpi_values_import(
                    plan_id=plan.pk, rows=form.rows, user=request.user
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request,
                    f"KPI values uploaded: {result.added} added, {result.changed} changed, "
                    f"{result.unchanged} unchanged",
                )
                return redirect("plans:kpis", plan.pk)
    else:
        form = KpiImportForm()
    return render(
        request,
        "plans/evidence/kpi_import.html",
        {"plan": plan, "form": form, "has_kpis": selectors.kpis_for_plan(plan=plan).exists()},
        status=400 if form.errors else 200,
    )


def kpi_template(request, plan_id):
    plan = _plan(request, plan_id)
    response = HttpResponse(
        template_csv(selectors.kpis_for_plan(plan=plan)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-values-plan-{plan.pk}.csv"'
    return response


# --- Theme pages, figures, context, checklist --------------------------------------------------


def theme_evidence(request, plan_id, theme_number):
    plan = _plan(request, plan_id)
    theme = selectors.theme_for_plan(plan=plan, theme_number=theme_number)
    evidence = selectors.plan_evidence(plan)
    return render(
        request,
        "plans/evidence/theme_evidence.html",
        {
            "plan": plan,
            "theme": theme,
            "evidence": evidence.for_theme(theme.pk),
            "is_barriers_theme": theme.number
            == max(t.number for t in selectors.themes_of_plan(plan=plan)),
            "savings_total": evidence.savings_total,
            "can_edit": permissions.can(request.user, "plan_edit", plan),
        },
    )


def _figures_view(request, plan_id, *, form_class, save, title, what):
    plan = _plan(request, plan_id, edit=True)
    figures = selectors.spend_figures_for(plan=plan)
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(plan, form)
            except EvidenceConflict as error:
                conflict = error.current
                form = _conflict_form(
                    form_class, request.POST, conflict.version if conflict else 0, what
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"{title} saved")
                return redirect("plans:context", plan.pk)
    else:
        form = form_class(initial=form_class.initial_for(figures))
    fields = form_class.FIELDS if hasattr(form_class, "FIELDS") else ("plan_cost", "plan_cost_note")
    return render(
        request,
        "plans/evidence/item_form.html",
        {
            "plan": plan,
            "form": form,
            "title": title,
            "back_url": reverse("plans:context", args=[plan.pk]),
            "conflict": _saved_fields(conflict, fields) if conflict else None,
        },
        status=409 if conflict else (400 if form.errors else 200),
    )


def spend_figures_edit(request, plan_id):
    def save(plan, form):
        services.spend_figures_save(
            plan_id=plan.pk,
            base_version=form.cleaned_data["base_version"],
            fields=form.model_fields(),
            user=request.user,
        )

    return _figures_view(
        request,
        plan_id,
        form_class=SpendFiguresForm,
        save=save,
        title="Spend figures",
        what="set of figures",
    )


def plan_cost_edit(request, plan_id):
    def save(plan, form):
        services.plan_cost_save(
            plan_id=plan.pk,
            base_version=form.cleaned_data["base_version"],
            plan_cost=form.cleaned_data["plan_cost"],
            plan_cost_note=form.cleaned_data["plan_cost_note"],
            user=request.user,
        )

    return _figures_view(
        request,
        plan_id,
        form_class=PlanCostForm,
        save=save,
        title="Cost of producing the plan",
        what="cost",
    )


def plan_context(request, plan_id):
    plan = _plan(request, plan_id)
    return render(
        request,
        "plans/evidence/context.html",
        {
            "plan": plan,
            "evidence": selectors.plan_evidence(plan),
            "can_edit": permissions.can(request.user, "plan_edit", plan),
        },
    )


def coverage_edit(request, plan_id, theme_number):
    plan = _plan(request, plan_id, edit=True)
    theme = selectors.theme_for_plan(plan=plan, theme_number=theme_number)
    questions = selectors.questions_with_coverage(plan=plan, theme=theme)
    if request.method == "POST":
        form = CoverageForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                services.coverage_save(
                    plan_id=plan.pk,
                    theme_number=theme.number,
                    answered=form.cleaned_data["answered"],
                    seen=form.cleaned_data["seen"],
                    user=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Checklist for theme {theme.number} saved")
                return redirect(plan)
    else:
        form = CoverageForm(initial=CoverageForm.initial_for(questions), questions=questions)
    return render(
        request,
        "plans/evidence/coverage_form.html",
        {"plan": plan, "theme": theme, "form": form},
        status=400 if form.errors else 200,
    )
