"""Changes to a plan's evidence: KPIs and their values, actions, savings, barriers, figures,
partners, strategy links, the plan's cost and the guiding-question checklist.

Every function here locks the plan row, refuses a plan that is no longer a draft
(code "invalid_transition"), checks `plan_edit`, refuses a stale `base_version` (EvidenceConflict,
code "edit_conflict", carrying the newer saved item), validates the item against the database's
own rules and records a revision, so every change is in the plan's history.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from councils import permissions
from plans import kpi as kpi_rules
from plans.kpi_import import ImportRow, validate_rows
from plans.models import (
    KPI,
    Action,
    Barrier,
    GuidingQuestion,
    KpiValue,
    Partner,
    Plan,
    QuestionCoverage,
    SavingsCommitment,
    SpendFigures,
    StrategyLink,
    Theme,
)
from plans.services.drafting import EditConflict
from plans.services.revisions import plan_record_change


class EvidenceConflict(EditConflict):
    """Someone else saved the same item since the editor loaded it; nothing was changed."""

    def __init__(self, *, current, what: str = "item"):
        self.current = current
        ValidationError.__init__(
            self,
            f"Someone else changed this {what} while you were editing it",
            code="edit_conflict",
        )


# Fields an officer may set on each kind of item; everything else is the service's business.
EDITABLE_FIELDS: dict[type[models.Model], frozenset[str]] = {
    KPI: frozenset(
        {
            "code",
            "name",
            "unit",
            "frequency",
            "higher_is_better",
            "baseline_value",
            "baseline_period",
            "target_value",
            "tolerance",
            "benchmark_value",
            "benchmark_label",
            "data_owner",
            "data_provider",
            "commentary",
        }
    ),
    Action: frozenset({"kind", "description", "workstream", "milestone_date", "owner", "status"}),
    SavingsCommitment: frozenset(
        {
            "workstream",
            "description",
            "amount",
            "start_year",
            "end_year",
            "period_label",
            "is_cashable",
        }
    ),
    Barrier: frozenset({"category", "title", "description", "ask"}),
    Partner: frozenset({"name", "sector", "description"}),
    StrategyLink: frozenset({"title", "url"}),
}
FIGURE_FIELDS = frozenset(SpendFigures.FIGURE_FIELDS) | {"notes"}
COST_FIELDS = frozenset({"plan_cost", "plan_cost_note"})

WHAT = {
    KPI: "KPI",
    Action: "action",
    SavingsCommitment: "savings commitment",
    Barrier: "barrier",
    Partner: "partner",
    StrategyLink: "link",
    SpendFigures: "set of figures",
}


@contextmanager
def _editing(*, plan_id: int, user):
    """Lock the plan row for the whole change and check it may still be edited by this user."""
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("council", "round")
            .get(pk=plan_id)
        )
        if not plan.is_editable:
            raise ValidationError(
                f"This plan is {plan.get_status_display().lower()}, so it can no longer be changed",
                code="invalid_transition",
            )
        permissions.require(user, "plan_edit", plan)
        yield plan


def _check_fields(model, fields: dict) -> None:
    unknown = set(fields) - EDITABLE_FIELDS.get(model, FIGURE_FIELDS | COST_FIELDS)
    if unknown:
        raise ValueError(f"{model.__name__} has no editable fields {sorted(unknown)}")


def _theme(plan: Plan, theme_number: int) -> Theme:
    theme = Theme.objects.filter(round_id=plan.round_id, number=theme_number).first()
    if theme is None:
        raise ValidationError({"theme": "Select a theme"}, code="invalid_theme")
    return theme


def _validate(item: models.Model) -> None:
    """The model's own field rules and database constraints, as field errors."""
    item.full_clean()


def _validate_kpi(kpi: KPI) -> None:
    errors = {}
    if KPI.objects.filter(plan_id=kpi.plan_id, code__iexact=kpi.code).exclude(pk=kpi.pk).exists():
        errors["code"] = ValidationError(
            f"You already have a KPI with the code {kpi.code}", code="duplicate_code"
        )
    for name in ("baseline_value", "target_value", "benchmark_value"):
        problem = kpi_rules.value_problem(getattr(kpi, name), kpi.unit)
        if problem:
            errors[name] = ValidationError(problem, code="out_of_range")
    if errors:
        raise ValidationError(errors)


def _unchanged(item, fields: dict) -> bool:
    return all(getattr(item, name) == value for name, value in fields.items())


def _create(*, model, plan_id: int, user, fields: dict, summary: Callable, **extra):
    _check_fields(model, fields)
    with _editing(plan_id=plan_id, user=user) as plan:
        if "theme_number" in extra:
            extra["theme"] = _theme(plan, extra.pop("theme_number"))
        item = model(plan=plan, updated_by=user, **extra, **fields)
        if model is KPI:
            _validate_kpi(item)
        _validate(item)
        item.save()
        plan_record_change(plan=plan, user=user, summary=summary(item, "Added"))
    return item


def _locked_item(model, *, plan: Plan, item_id: int, base_version: int):
    item = model.objects.select_for_update(of=("self",)).filter(pk=item_id, plan=plan).first()
    if item is None:
        raise model.DoesNotExist(f"No {WHAT[model]} {item_id} in plan {plan.pk}")
    if item.version != base_version:
        raise EvidenceConflict(current=item, what=WHAT[model])
    return item


def _update(
    *,
    model,
    plan_id: int,
    item_id: int,
    base_version: int,
    user,
    fields: dict,
    summary: Callable,
    theme_number: int | None = None,
):
    _check_fields(model, fields)
    with _editing(plan_id=plan_id, user=user) as plan:
        item = _locked_item(model, plan=plan, item_id=item_id, base_version=base_version)
        if theme_number is not None:
            fields = {**fields, "theme": _theme(plan, theme_number)}
        if _unchanged(item, fields):
            return item
        if model is KPI and "frequency" in fields and fields["frequency"] != item.frequency:
            if item.values.exists():
                raise ValidationError(
                    {
                        "frequency": "You cannot change how often this KPI is measured once it "
                        "has values. Delete its values first"
                    },
                    code="frequency_locked",
                )
        for name, value in fields.items():
            setattr(item, name, value)
        if model is KPI:
            _validate_kpi(item)
        _validate(item)
        item.version += 1
        item.updated_by = user
        item.save()
        plan_record_change(plan=plan, user=user, summary=summary(item, "Changed"))
    return item


def _delete(*, model, plan_id: int, item_id: int, base_version: int, user, summary: Callable):
    with _editing(plan_id=plan_id, user=user) as plan:
        item = _locked_item(model, plan=plan, item_id=item_id, base_version=base_version)
        text = summary(item, "Removed")
        item.delete()
        plan_record_change(plan=plan, user=user, summary=text)


def _kpi_summary(kpi, verb):
    return f"{verb} KPI {kpi.code}"


def _action_summary(action, verb):
    return f"{verb} an action in theme {action.theme.number}"


def _saving_summary(saving, verb):
    return f"{verb} a savings commitment of £{saving.amount:,.0f}"


def _barrier_summary(barrier, verb):
    return f"{verb} a barrier ({barrier.get_category_display()})"


def _partner_summary(partner, verb):
    return f"{verb} partner {partner.name}"


def _strategy_summary(link, verb):
    return f"{verb} the link to {link.title}"


# --- KPIs --------------------------------------------------------------------------------------


def kpi_create(*, plan_id: int, theme_number: int, fields: dict[str, Any], user) -> KPI:
    """Add a KPI to a theme of the plan; records a revision."""
    return _create(
        model=KPI,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_kpi_summary,
        theme_number=theme_number,
    )


def kpi_update(
    *, plan_id: int, kpi_id: int, base_version: int, theme_number: int, fields: dict[str, Any], user
) -> KPI:
    """Change a KPI unless someone saved it since `base_version`; records a revision."""
    return _update(
        model=KPI,
        plan_id=plan_id,
        item_id=kpi_id,
        base_version=base_version,
        user=user,
        fields=fields,
        summary=_kpi_summary,
        theme_number=theme_number,
    )


def kpi_delete(*, plan_id: int, kpi_id: int, base_version: int, user) -> None:
    """Delete a KPI and its values; records a revision."""
    _delete(
        model=KPI,
        plan_id=plan_id,
        item_id=kpi_id,
        base_version=base_version,
        user=user,
        summary=_kpi_summary,
    )


def kpi_value_set(
    *, plan_id: int, kpi_id: int, base_version: int, period_start: date, value: Decimal, user
) -> KpiValue:
    """Set a KPI's value for one period (adding or replacing it); bumps the KPI's version and
    records a revision."""
    with _editing(plan_id=plan_id, user=user) as plan:
        kpi = _locked_item(KPI, plan=plan, item_id=kpi_id, base_version=base_version)
        _check_period_and_value(kpi, period_start, value)
        existing = kpi.values.filter(period_start=period_start).first()
        if existing is not None and existing.value == value:
            return existing
        if existing is None:
            existing = KpiValue.objects.create(kpi=kpi, period_start=period_start, value=value)
            verb = "Added"
        else:
            existing.value = value
            existing.save(update_fields=["value"])
            verb = "Changed"
        _touch(kpi, user)
        plan_record_change(
            plan=plan,
            user=user,
            summary=f"{verb} the {kpi.period_label(period_start)} value of KPI {kpi.code}",
        )
    return existing


def kpi_value_delete(*, plan_id: int, kpi_id: int, value_id: int, base_version: int, user) -> None:
    """Delete one of a KPI's values; bumps the KPI's version and records a revision."""
    with _editing(plan_id=plan_id, user=user) as plan:
        kpi = _locked_item(KPI, plan=plan, item_id=kpi_id, base_version=base_version)
        value = kpi.values.filter(pk=value_id).first()
        if value is None:
            raise KpiValue.DoesNotExist(f"No value {value_id} for KPI {kpi_id}")
        label = kpi.period_label(value.period_start)
        value.delete()
        _touch(kpi, user)
        plan_record_change(plan=plan, user=user, summary=f"Removed the {label} value of {kpi.code}")


def _check_period_and_value(kpi: KPI, period_start: date, value: Decimal) -> None:
    errors = {}
    if not kpi_rules.is_period_start(kpi.frequency, period_start):
        errors["period"] = ValidationError(
            "Enter a period this KPI is measured in", code="invalid_period"
        )
    problem = kpi_rules.value_problem(value, kpi.unit)
    if problem:
        errors["value"] = ValidationError(problem, code="out_of_range")
    if errors:
        raise ValidationError(errors)


def _touch(kpi: KPI, user) -> None:
    kpi.version += 1
    kpi.updated_by = user
    kpi.save(update_fields=["version", "updated_by", "updated_at"])


@dataclass(frozen=True)
class ImportResult:
    added: int
    changed: int
    unchanged: int

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed)


def kpi_values_import(*, plan_id: int, rows: list[ImportRow], user) -> ImportResult:
    """Set many KPI values at once: all rows or none. Raises ValidationError (code
    "invalid_rows") listing every bad row; a file that changes nothing records no revision."""
    with _editing(plan_id=plan_id, user=user) as plan:
        kpis = {
            kpi.code.casefold(): kpi
            for kpi in KPI.objects.select_for_update(of=("self",)).filter(plan=plan)
        }
        values, errors = validate_rows(rows, kpis)
        if errors:
            raise ValidationError(errors, code="invalid_rows")
        existing = {
            (value.kpi_id, value.period_start): value
            for value in KpiValue.objects.filter(kpi__plan=plan)
        }
        to_add, to_change, touched = [], [], set()
        for kpi, period_start, number in values:
            current = existing.get((kpi.pk, period_start))
            if current is None:
                to_add.append(KpiValue(kpi=kpi, period_start=period_start, value=number))
            elif current.value != number:
                current.value = number
                to_change.append(current)
            else:
                continue
            touched.add(kpi.pk)
        result = ImportResult(
            added=len(to_add),
            changed=len(to_change),
            unchanged=len(values) - len(to_add) - len(to_change),
        )
        if not result.changed_anything:
            return result
        KpiValue.objects.bulk_create(to_add)
        KpiValue.objects.bulk_update(to_change, ["value"])
        KPI.objects.filter(pk__in=touched).update(version=models.F("version") + 1, updated_by=user)
        plan_record_change(
            plan=plan,
            user=user,
            summary=f"Imported KPI values ({result.added} added, {result.changed} changed)",
        )
    return result


# --- Actions, savings, barriers ----------------------------------------------------------------


def action_create(*, plan_id: int, theme_number: int, fields: dict[str, Any], user) -> Action:
    """Add a "what we have done" or "what we will do" item to a theme; records a revision."""
    return _create(
        model=Action,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_action_summary,
        theme_number=theme_number,
    )


def action_update(
    *,
    plan_id: int,
    action_id: int,
    base_version: int,
    theme_number: int,
    fields: dict[str, Any],
    user,
) -> Action:
    """Change an action unless someone saved it since `base_version`; records a revision."""
    return _update(
        model=Action,
        plan_id=plan_id,
        item_id=action_id,
        base_version=base_version,
        user=user,
        fields=fields,
        summary=_action_summary,
        theme_number=theme_number,
    )


def action_delete(*, plan_id: int, action_id: int, base_version: int, user) -> None:
    """Delete an action; records a revision."""
    _delete(
        model=Action,
        plan_id=plan_id,
        item_id=action_id,
        base_version=base_version,
        user=user,
        summary=_action_summary,
    )


def saving_create(
    *, plan_id: int, theme_number: int, fields: dict[str, Any], user
) -> SavingsCommitment:
    """Add a savings commitment; records a revision."""
    return _create(
        model=SavingsCommitment,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_saving_summary,
        theme_number=theme_number,
    )


def saving_update(
    *,
    plan_id: int,
    saving_id: int,
    base_version: int,
    theme_number: int,
    fields: dict[str, Any],
    user,
) -> SavingsCommitment:
    """Change a savings commitment unless someone saved it since `base_version`."""
    return _update(
        model=SavingsCommitment,
        plan_id=plan_id,
        item_id=saving_id,
        base_version=base_version,
        user=user,
        fields=fields,
        summary=_saving_summary,
        theme_number=theme_number,
    )


def saving_delete(*, plan_id: int, saving_id: int, base_version: int, user) -> None:
    """Delete a savings commitment; records a revision."""
    _delete(
        model=SavingsCommitment,
        plan_id=plan_id,
        item_id=saving_id,
        base_version=base_version,
        user=user,
        summary=_saving_summary,
    )


def barrier_create(*, plan_id: int, theme_number: int, fields: dict[str, Any], user) -> Barrier:
    """Add a barrier; records a revision."""
    return _create(
        model=Barrier,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_barrier_summary,
        theme_number=theme_number,
    )


def barrier_update(
    *,
    plan_id: int,
    barrier_id: int,
    base_version: int,
    theme_number: int,
    fields: dict[str, Any],
    user,
) -> Barrier:
    """Change a barrier unless someone saved it since `base_version`; records a revision."""
    return _update(
        model=Barrier,
        plan_id=plan_id,
        item_id=barrier_id,
        base_version=base_version,
        user=user,
        fields=fields,
        summary=_barrier_summary,
        theme_number=theme_number,
    )


def barrier_delete(*, plan_id: int, barrier_id: int, base_version: int, user) -> None:
    """Delete a barrier; records a revision."""
    _delete(
        model=Barrier,
        plan_id=plan_id,
        item_id=barrier_id,
        base_version=base_version,
        user=user,
        summary=_barrier_summary,
    )


# --- Partners and strategy links ---------------------------------------------------------------


def partner_create(*, plan_id: int, fields: dict[str, Any], user) -> Partner:
    """Add a partner the council worked with; records a revision."""
    return _create(
        model=Partner, plan_id=plan_id, user=user, fields=fields, summary=_partner_summary
    )


def partner_update(
    *, plan_id: int, partner_id: int, base_version: int, fields: dict[str, Any], user
) -> Partner:
    """Change a partner unless someone saved it since `base_version`; records a revision."""
    return _update(
        model=Partner,
        plan_id=plan_id,
        item_id=partner_id,
        base_version=base_version,
        user=user,
        fields=fields,
        summary=_partner_summary,
    )


def partner_delete(*, plan_id: int, partner_id: int, base_version: int, user) -> None:
    """Delete a partner; records a revision."""
    _delete(
        model=Partner,
        plan_id=plan_id,
        item_id=partner_id,
        base_version=base_version,
        user=user,
        summary=_partner_summary,
    )


def strategy_create(*, plan_id: int, fields: dict[str, Any], user) -> StrategyLink:
    """Add a link to one of the council's strategies; records a revision."""
    return _create(
        model=StrategyLink, plan_id=plan_id, user=user, fields=fields, summary=_strategy_summary
    )


def strategy_update(
    *, plan_id: int, strategy_id: int, base_version: int, fields: dict[str, Any], user
) -> StrategyLink:
    """Change a strategy link unless someone saved it since `base_version`."""
    return _update(
        model=StrategyLink,
        plan_id=plan_id,
        item_id=strategy_id,
        base_version=base_version,
        user=user,
        fields=fields,
        summary=_strategy_summary,
    )


def strategy_delete(*, plan_id: int, strategy_id: int, base_version: int, user) -> None:
    """Delete a strategy link; records a revision."""
    _delete(
        model=StrategyLink,
        plan_id=plan_id,
        item_id=strategy_id,
        base_version=base_version,
        user=user,
        summary=_strategy_summary,
    )


# --- Spend figures and the plan's cost (one row per plan) --------------------------------------


def _figures_save(*, plan_id: int, base_version: int, fields: dict, user, allowed, summary):
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"SpendFigures has no editable fields {sorted(unknown)}")
    with _editing(plan_id=plan_id, user=user) as plan:
        figures = SpendFigures.objects.select_for_update(of=("self",)).filter(plan=plan).first()
        current_version = figures.version if figures else 0
        if current_version != base_version:
            raise EvidenceConflict(current=figures, what=WHAT[SpendFigures])
        if figures is None:
            figures = SpendFigures(plan=plan, updated_by=user, version=0)
        elif _unchanged(figures, fields):
            return figures
        for name, value in fields.items():
            setattr(figures, name, value)
        _validate(figures)
        figures.version += 1
        figures.updated_by = user
        figures.save()
        plan_record_change(plan=plan, user=user, summary=summary)
    return figures


def spend_figures_save(
    *, plan_id: int, base_version: int, fields: dict[str, Any], user
) -> SpendFigures:
    """Save the agency, consultancy, EDI and facility-time figures; `base_version` 0 means the
    editor saw none yet. Records a revision."""
    return _figures_save(
        plan_id=plan_id,
        base_version=base_version,
        fields=fields,
        user=user,
        allowed=FIGURE_FIELDS,
        summary="Saved the spend figures",
    )


def plan_cost_save(
    *, plan_id: int, base_version: int, plan_cost: Decimal | None, plan_cost_note: str, user
) -> SpendFigures:
    """Save what producing the plan cost; records a revision."""
    return _figures_save(
        plan_id=plan_id,
        base_version=base_version,
        user=user,
        allowed=COST_FIELDS,
        fields={"plan_cost": plan_cost, "plan_cost_note": plan_cost_note},
        summary="Saved the cost of producing the plan",
    )


# --- Which guiding questions the plan answers --------------------------------------------------


def coverage_save(
    *, plan_id: int, theme_number: int, answered: Iterable[int], seen: Iterable[int], user
) -> int:
    """Record which of a theme's questions the plan answers; returns how many marks changed.

    `seen` is what the officer saw as answered when the page loaded. Only the marks they changed
    are written, so two officers ticking different questions never undo each other (a yes/no
    mark that both changed can only have been changed to the same value). Records a revision.
    """
    answered, seen = set(answered), set(seen)
    with _editing(plan_id=plan_id, user=user) as plan:
        theme = _theme(plan, theme_number)
        questions = list(GuidingQuestion.objects.filter(theme=theme).order_by("number"))
        stored = {
            row.question_id: row
            for row in QuestionCoverage.objects.select_for_update(of=("self",)).filter(
                plan=plan, question__theme=theme
            )
        }
        saved = {qid for qid, row in stored.items() if row.answered}
        wanted = {
            q.pk: q.pk in answered
            for q in questions
            if (q.pk in answered) != (q.pk in seen) and (q.pk in answered) != (q.pk in saved)
        }
        changed = 0
        for question_id, is_answered in wanted.items():
            row = stored.get(question_id)
            if row is None:
                QuestionCoverage.objects.create(
                    plan=plan, question_id=question_id, answered=is_answered, updated_by=user
                )
            else:
                row.answered = is_answered
                row.updated_by = user
                row.save(update_fields=["answered", "updated_by", "updated_at"])
            changed += 1
        if changed:
            now_answered = (saved - set(wanted)) | {qid for qid, yes in wanted.items() if yes}
            total = len(now_answered & {question.pk for question in questions})
            plan_record_change(
                plan=plan,
                user=user,
                summary=f"Marked {total} of {len(questions)} questions answered in theme "
                f"{theme.number}",
            )
    return changed
