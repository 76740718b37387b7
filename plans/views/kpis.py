"""Pages for a plan's KPIs: the list, one KPI with its chart and values, adding, changing and
deleting a KPI or a value, and uploading values from a CSV file.

They follow the evidence pages' rules (plans.views.evidence): the plan found through
`plans_visible_to(user)`, a 409 page for a change the plan's state no longer allows, one service
per change (plans.services.kpis) and its refusals placed next to the fields they name.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plans.charts import kpi_summary
from plans.forms.evidence import DeleteForm, ThemeQueryForm
from plans.forms.kpis import KpiForm, KpiImportForm, KpiValueForm
from plans.kpi_import import template_csv
from plans.selectors.evidence import kpi_for_plan, kpis_for_plan, themes_of_plan
from plans.services import kpis as services
from plans.services.errors import is_invalid_transition
from plans.views.evidence import (
    bound_data,
    editing,
    page_status,
    place_refusal,
    render_item_delete,
    render_item_form,
    viewing,
)


def kpi_list(request, plan_id):
    plan, can_edit = viewing(request, plan_id)
    context = {"plan": plan, "kpis": list(kpis_for_plan(plan=plan)), "can_edit": can_edit}
    return render(request, "plans/evidence/kpi_list.html", context)


def _render_kpi_detail(request, plan, kpi, *, can_edit, form=None, status=200):
    if form is None and can_edit:
        form = KpiValueForm(kpi=kpi, initial={"base_edit_count": kpi.edit_count})
    context = {
        "plan": plan,
        "kpi": kpi,
        "form": form,
        "can_edit": can_edit,
        "summary": kpi_summary(kpi),
    }
    return render(request, "plans/evidence/kpi_detail.html", context, status=status)


def kpi_detail(request, plan_id, kpi_id):
    plan, can_edit = viewing(request, plan_id)
    kpi = kpi_for_plan(plan=plan, kpi_id=kpi_id)
    return _render_kpi_detail(request, plan, kpi, can_edit=can_edit)


def _kpis_url(plan) -> str:
    return reverse("plans:kpis", args=[plan.pk])


@editing
def kpi_add(request, plan):
    themes = themes_of_plan(plan=plan)
    asked = ThemeQueryForm.theme_number(request.GET, themes=themes)
    form = KpiForm(bound_data(request), initial={"theme": asked, "tolerance": "0"}, themes=themes)
    status = None
    if form.is_bound and form.is_valid():
        try:
            kpi = services.kpi_create(
                plan_id=plan.pk,
                theme_number=form.cleaned_data["theme"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, f"KPI {kpi.code} added. Now add its values")
            return redirect(kpi)
    back = _kpis_url(plan)
    return render_item_form(request, plan, form, title="Add a KPI", back_url=back, status=status)


@editing
def kpi_edit(request, plan, kpi_id):
    kpi = kpi_for_plan(plan=plan, kpi_id=kpi_id)
    initial = KpiForm.initial_for(kpi)
    form = KpiForm(bound_data(request), initial=initial, themes=themes_of_plan(plan=plan))
    status = conflict = None
    if form.is_bound and form.is_valid():
        try:
            services.kpi_update(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                theme_number=form.cleaned_data["theme"],
                fields=form.model_fields(),
                user=request.user,
            )
        except ValidationError as error:
            status, conflict = place_refusal(form, error), getattr(error, "current", None)
        else:
            messages.success(request, f"KPI {form.cleaned_data['code']} saved")
            return redirect(kpi)
    back, title = kpi.get_absolute_url(), "Change the KPI"
    return render_item_form(
        request, plan, form, title=title, back_url=back, conflict=conflict, status=status
    )


@editing
def kpi_delete(request, plan, kpi_id):
    kpi = kpi_for_plan(plan=plan, kpi_id=kpi_id)
    form = DeleteForm(bound_data(request), initial={"base_edit_count": kpi.edit_count})
    status = None
    if form.is_bound and form.is_valid():
        try:
            services.kpi_delete(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            messages.success(request, f"KPI {kpi.code} deleted")
            return redirect(_kpis_url(plan))
    back = kpi.get_absolute_url()
    return render_item_delete(
        request, plan, form, item=kpi, noun="KPI", back_url=back, status=status
    )


@require_POST
@editing
def kpi_value_add(request, plan, kpi_id):
    kpi = kpi_for_plan(plan=plan, kpi_id=kpi_id)
    form = KpiValueForm(request.POST, kpi=kpi)
    status = None
    if form.is_valid():
        try:
            services.kpi_value_set(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                period_start=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                user=request.user,
            )
        except ValidationError as error:
            status = place_refusal(form, error)
        else:
            label = kpi.period_label(form.cleaned_data["period"])
            messages.success(request, f"Value for {label} saved")
            return redirect(kpi)
    status = page_status(form, status)
    return _render_kpi_detail(request, plan, kpi, can_edit=True, form=form, status=status)


@require_POST
@editing
def kpi_value_delete(request, plan, kpi_id, value_id):
    kpi = kpi_for_plan(plan=plan, kpi_id=kpi_id)
    value = get_object_or_404(kpi.values.all(), pk=value_id)
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            services.kpi_value_delete(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                value_id=value.pk,
                base_edit_count=form.cleaned_data["base_edit_count"],
                user=request.user,
            )
        except ValidationError as error:
            value_form = KpiValueForm(kpi=kpi, initial={"base_edit_count": kpi.edit_count})
            status = place_refusal(value_form, error)
            return _render_kpi_detail(
                request, plan, kpi, can_edit=True, form=value_form, status=status
            )
        messages.success(request, f"Value for {value.period_label} deleted")
    return redirect(kpi)


@editing
def kpi_import(request, plan):
    form = KpiImportForm(bound_data(request), request.FILES or None)
    status = None
    if form.is_bound and form.is_valid():
        try:
            result = services.kpi_values_import(plan_id=plan.pk, rows=form.rows, user=request.user)
        except ValidationError as error:
            # The file's bad rows are listed under the upload field.
            refusal = error if is_invalid_transition(error) else ValidationError({"file": error})
            status = place_refusal(form, refusal)
        else:
            messages.success(
                request,
                f"KPI values uploaded: {result.added} added, {result.changed} changed, "
                f"{result.unchanged} unchanged",
            )
            return redirect(_kpis_url(plan))
    context = {"plan": plan, "form": form, "has_kpis": kpis_for_plan(plan=plan).exists()}
    return render(
        request, "plans/evidence/kpi_import.html", context, status=page_status(form, status)
    )


def kpi_template(request, plan_id):
    plan, _ = viewing(request, plan_id)
    response = HttpResponse(
        template_csv(kpis_for_plan(plan=plan)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="kpi-values-plan-{plan.pk}.csv"'
    return response
