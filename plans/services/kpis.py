"""Changes to a plan's KPIs and their values, one at a time or from an uploaded CSV file.

They share plans.services.evidence's way of changing evidence: the plan row locked, `plan_edit`
checked, a plan whose state no longer allows changes refused (`invalid_transition`), a stale
`base_edit_count` refused (EvidenceConflict) and a revision recorded. The rules for a KPI's figures
live here, keyed by field; forms only parse what was typed.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from plans import kpi as kpi_rules
from plans.kpi_import import ImportRow, validate_rows
from plans.models import KPI, KpiValue
from plans.services.errors import field_error
from plans.services.evidence import (
    evidence_item_create,
    evidence_item_delete,
    evidence_item_locked,
    evidence_item_update,
    plan_locked_for_evidence,
    raise_problems,
    theme_numbered,
)
from plans.services.revisions import plan_record_change

# Fields an officer may set on a KPI; everything else is the service's business.
KPI_FIELDS = frozenset(
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
)
FIGURES_IN_UNIT = ("baseline_value", "target_value", "benchmark_value")


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - KPI_FIELDS
    if unknown:
        raise ValueError(f"KPI has no editable fields {sorted(unknown)}")


def _kpi_problems(kpi: KPI) -> dict:
    """A KPI's own rules: a code unique in the plan, figures that fit its unit, a tolerance of
    0 or more."""
    problems = {}
    if KPI.objects.filter(plan_id=kpi.plan_id, code__iexact=kpi.code).exclude(pk=kpi.pk).exists():
        problems["code"] = ValidationError(
            f"You already have a KPI with the code {kpi.code}", code="duplicate_code"
        )
    for name in FIGURES_IN_UNIT:
        problem = kpi_rules.value_problem(getattr(kpi, name), kpi.unit)
        if problem:
            problems[name] = ValidationError(problem, code="out_of_range")
    if kpi.tolerance is not None and kpi.tolerance < 0:
        problems["tolerance"] = ValidationError(
            "The tolerance must be 0 or more", code="out_of_range"
        )
    return problems


def _frequency_locked_once_measured(kpi: KPI, fields: dict) -> None:
    if "frequency" in fields and fields["frequency"] != kpi.frequency and kpi.values.exists():
        raise field_error(
            "frequency",
            "You cannot change how often this KPI is measured once it has values. Delete its "
            "values first",
            code="frequency_locked",
        )


def _kpi_summary(kpi, verb):
    return f"{verb} KPI {kpi.code}"


def kpi_create(*, plan_id: int, theme_number: int, fields: dict[str, Any], user) -> KPI:
    """Add a KPI to a theme of the plan; records a revision."""
    _check_fields(fields)
    return evidence_item_create(
        model=KPI,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_kpi_summary,
        problems=_kpi_problems,
        theme=theme_numbered(theme_number),
    )


def kpi_update(
    *,
    plan_id: int,
    kpi_id: int,
    base_edit_count: int,
    theme_number: int,
    fields: dict[str, Any],
    user,
) -> KPI:
    """Change a KPI unless someone saved it since `base_edit_count`; records a revision."""
    _check_fields(fields)
    return evidence_item_update(
        model=KPI,
        plan_id=plan_id,
        item_id=kpi_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=_kpi_summary,
        problems=_kpi_problems,
        theme=theme_numbered(theme_number),
        before_change=_frequency_locked_once_measured,
    )


def kpi_delete(*, plan_id: int, kpi_id: int, base_edit_count: int, user) -> None:
    """Delete a KPI and its values; records a revision."""
    evidence_item_delete(
        model=KPI,
        plan_id=plan_id,
        item_id=kpi_id,
        base_edit_count=base_edit_count,
        user=user,
        summary=_kpi_summary,
    )


def _value_problems(kpi: KPI, period_start: date, value: Decimal) -> dict:
    problems = {}
    if not kpi_rules.is_period_start(kpi.frequency, period_start):
        problems["period"] = ValidationError(
            "Enter a period this KPI is measured in", code="invalid_period"
        )
    problem = kpi_rules.value_problem(value, kpi.unit)
    if problem:
        problems["value"] = ValidationError(problem, code="out_of_range")
    return problems


def _touch(kpi: KPI, user) -> None:
    kpi.edit_count += 1
    kpi.updated_by = user
    kpi.save(update_fields=["edit_count", "updated_by", "updated_at"])


def kpi_value_set(
    *, plan_id: int, kpi_id: int, base_edit_count: int, period_start: date, value: Decimal, user
) -> KpiValue:
    """Set a KPI's value for one period (adding or replacing it); bumps the KPI's edit count and
    records a revision."""
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
        kpi = evidence_item_locked(KPI, plan=plan, item_id=kpi_id, base_edit_count=base_edit_count)
        raise_problems(_value_problems(kpi, period_start, value))
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


def kpi_value_delete(
    *, plan_id: int, kpi_id: int, value_id: int, base_edit_count: int, user
) -> None:
    """Delete one of a KPI's values; bumps the KPI's edit count and records a revision."""
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
        kpi = evidence_item_locked(KPI, plan=plan, item_id=kpi_id, base_edit_count=base_edit_count)
        value = kpi.values.filter(pk=value_id).first()
        if value is None:
            raise KpiValue.DoesNotExist(f"No value {value_id} for KPI {kpi_id}")
        label = kpi.period_label(value.period_start)
        value.delete()
        _touch(kpi, user)
        plan_record_change(plan=plan, user=user, summary=f"Removed the {label} value of {kpi.code}")


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
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
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
        KPI.objects.filter(pk__in=touched).update(
            edit_count=models.F("edit_count") + 1, updated_by=user
        )
        plan_record_change(
            plan=plan,
            user=user,
            summary=f"Imported KPI values ({result.added} added, {result.changed} changed)",
        )
    return result
