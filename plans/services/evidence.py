"""Changes to a plan's evidence other than KPIs: actions, savings, barriers, spend figures,
partners, strategy links, the plan's cost and the guiding-question checklist.

Every function here (and in plans.services.kpis, which shares the machinery below) locks the
plan row, refuses a plan whose state no longer allows changes (`invalid_transition`), checks
`plan_edit`, refuses a stale `base_edit_count` (EvidenceConflict, code "edit_conflict",
carrying the newer saved item), checks the item against the rules below (errors keyed by field:
this is the one home of those rules, forms only parse) and records a revision, so every change
is in the plan's history.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from councils import permissions
from plans.models import (
    Action,
    Barrier,
    GuidingQuestion,
    Partner,
    Plan,
    QuestionCoverage,
    SavingsCommitment,
    SpendFigures,
    StrategyLink,
    Theme,
)
from plans.services.drafting import EditConflict
from plans.services.errors import field_error
from plans.services.revisions import plan_ensure_editable, plan_record_change


class EvidenceConflict(EditConflict):
    """Someone else saved the same item since the editor loaded it; nothing was changed."""

    def __init__(self, *, current, what: str = "item"):
        self.current, self.what = current, what
        ValidationError.__init__(
            self,
            f"Someone else changed this {what} while you were editing it",
            code="edit_conflict",
        )


# Fields an officer may set on each kind of item; everything else is the service's business.
EDITABLE_FIELDS: dict[type[models.Model], frozenset[str]] = {
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
    Action: "action",
    SavingsCommitment: "savings commitment",
    Barrier: "barrier",
    Partner: "partner",
    StrategyLink: "link",
    SpendFigures: "set of figures",
}

# The rules for what an officer types, each in one place.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_MILESTONE_YEAR, LAST_MILESTONE_YEAR = 1900, 2100
PERCENT_FIGURES = {
    "agency_percent": "Agency spend",
    "consultancy_percent": "Consultancy spend",
    "facility_time_percent": "Facility time",
}
NOT_NEGATIVE_FIGURES = {
    "long_term_contractors": ("The number of consultants or agency staff", ""),
    "edi_spend": ("EDI spend", "£"),
    "edi_hours": ("EDI time", ""),
    "edi_champions": ("The number of EDI champions", ""),
    "plan_cost": ("The cost", "£"),
}


@contextmanager
def plan_locked_for_evidence(*, plan_id: int, user):
    """Lock the plan row for the whole change; the user must be allowed to edit the plan (403)
    and its state must still allow changes (409), checked in that order as on the pages."""
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("council", "round")
            .get(pk=plan_id)
        )
        permissions.require(user, "plan_edit", plan)
        plan_ensure_editable(plan)
        yield plan


def evidence_item_locked(model, *, plan: Plan, item_id: int, base_edit_count: int):
    """The plan's item, locked; EvidenceConflict when someone saved it since `base_edit_count`."""
    item = model.objects.select_for_update(of=("self",)).filter(pk=item_id, plan=plan).first()
    if item is None:
        raise model.DoesNotExist(f"No {model._meta.verbose_name} {item_id} in plan {plan.pk}")
    if item.edit_count != base_edit_count:
        raise EvidenceConflict(current=item, what=WHAT.get(model, model._meta.verbose_name))
    return item


def _check_fields(model, fields: dict, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"{model.__name__} has no editable fields {sorted(unknown)}")


def _theme(plan: Plan, theme_number: int) -> Theme:
    theme = Theme.objects.filter(round_id=plan.round_id, number=theme_number).first()
    if theme is None:
        raise field_error("theme", "Select a theme", code="invalid_theme")
    return theme


def _barriers_theme(plan: Plan) -> Theme:
    theme = Theme.objects.filter(round_id=plan.round_id, collects_barriers=True).first()
    if theme is None:
        raise ValidationError("This round does not ask for barriers", code="no_barriers_theme")
    return theme


def _unchanged(item, fields: dict) -> bool:
    return all(getattr(item, name) == value for name, value in fields.items())


def raise_problems(problems: dict[str, ValidationError]) -> None:
    """Raise the problems found in what the officer typed, keyed by field, if there are any."""
    if problems:
        raise ValidationError(problems)


def _not_negative(problems: dict, name: str, value, subject: str, prefix: str = "") -> None:
    if value is not None and value < 0:
        problems[name] = ValidationError(
            f"{subject} must be {prefix}0 or more", code="out_of_range"
        )


def _action_problems(action: Action) -> dict:
    problems = {}
    milestone: date | None = action.milestone_date
    if milestone and not FIRST_MILESTONE_YEAR <= milestone.year <= LAST_MILESTONE_YEAR:
        problems["milestone_date"] = ValidationError(
            f"The milestone date must be between {FIRST_MILESTONE_YEAR} and {LAST_MILESTONE_YEAR}",
            code="out_of_range",
        )
    return problems


def _saving_problems(saving: SavingsCommitment) -> dict:
    problems = {}
    _not_negative(problems, "amount", saving.amount, "The amount", "£")
    for name, noun in (("start_year", "start year"), ("end_year", "end year")):
        year = getattr(saving, name)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            problems[name] = ValidationError(
                f"The {noun} must be between {FIRST_YEAR} and {LAST_YEAR}", code="out_of_range"
            )
    start, end = saving.start_year, saving.end_year
    if "end_year" not in problems and start is not None and end is not None and end < start:
        problems["end_year"] = ValidationError(
            "The end year must be the same as or after the start year", code="before_start"
        )
    return problems


def _figures_problems(figures: SpendFigures) -> dict:
    problems = {}
    for name, subject in PERCENT_FIGURES.items():
        value = getattr(figures, name)
        if value is not None and not 0 <= value <= 100:
            problems[name] = ValidationError(
                f"{subject} must be between 0 and 100", code="out_of_range"
            )
    for name, (subject, prefix) in NOT_NEGATIVE_FIGURES.items():
        _not_negative(problems, name, getattr(figures, name), subject, prefix)
    return problems


def _no_problems(item) -> dict:
    return {}


PROBLEMS: dict[type[models.Model], Callable[[Any], dict]] = {
    Action: _action_problems,
    SavingsCommitment: _saving_problems,
    Barrier: _no_problems,
    Partner: _no_problems,
    StrategyLink: _no_problems,
}


def evidence_item_validate(item, problems: dict) -> None:
    """Refuse the item with the service's own rules (`problems`) and the model's field rules,
    all at once, keyed by field."""
    try:
        item.full_clean(exclude=list(problems))
    except ValidationError as error:
        problems = {**error.error_dict, **problems}
    raise_problems(problems)


def evidence_item_create(
    *, model, plan_id: int, user, fields: dict, summary: Callable, problems: Callable, theme=None
):
    """Add an item to the plan (under a theme found by number or by rule); records a revision."""
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
        extra = {} if theme is None else {"theme": theme(plan)}
        item = model(plan=plan, updated_by=user, **extra, **fields)
        evidence_item_validate(item, problems(item))
        item.save()
        plan_record_change(plan=plan, user=user, summary=summary(item, "Added"))
    return item


def evidence_item_update(
    *,
    model,
    plan_id: int,
    item_id: int,
    base_edit_count: int,
    user,
    fields: dict,
    summary: Callable,
    problems: Callable,
    theme=None,
    before_change: Callable | None = None,
):
    """Change an item unless someone saved it since `base_edit_count`; records a revision."""
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
        item = evidence_item_locked(
            model, plan=plan, item_id=item_id, base_edit_count=base_edit_count
        )
        if theme is not None:
            fields = {**fields, "theme": theme(plan)}
        if _unchanged(item, fields):
            return item
        if before_change is not None:
            before_change(item, fields)
        for name, value in fields.items():
            setattr(item, name, value)
        evidence_item_validate(item, problems(item))
        item.edit_count += 1
        item.updated_by = user
        item.save()
        plan_record_change(plan=plan, user=user, summary=summary(item, "Changed"))
    return item


def evidence_item_delete(
    *, model, plan_id: int, item_id: int, base_edit_count: int, user, summary: Callable
) -> None:
    """Delete an item unless someone saved it since `base_edit_count`; records a revision."""
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
        item = evidence_item_locked(
            model, plan=plan, item_id=item_id, base_edit_count=base_edit_count
        )
        text = summary(item, "Removed")
        item.delete()
        plan_record_change(plan=plan, user=user, summary=text)


def theme_numbered(theme_number: int) -> Callable[[Plan], Theme]:
    """Finds the plan round's theme with that number (a field error on `theme` if none)."""
    return lambda plan: _theme(plan, theme_number)


def _create(*, model, plan_id, user, fields, summary, theme=None):
    _check_fields(model, fields, EDITABLE_FIELDS[model])
    return evidence_item_create(
        model=model,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=summary,
        problems=PROBLEMS[model],
        theme=theme,
    )


def _update(*, model, plan_id, item_id, base_edit_count, user, fields, summary, theme=None):
    _check_fields(model, fields, EDITABLE_FIELDS[model])
    return evidence_item_update(
        model=model,
        plan_id=plan_id,
        item_id=item_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=summary,
        problems=PROBLEMS[model],
        theme=theme,
    )


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


# --- Actions, savings, barriers ----------------------------------------------------------------


def action_create(*, plan_id: int, theme_number: int, fields: dict[str, Any], user) -> Action:
    """Add a "what we have done" or "what we will do" item to a theme; records a revision."""
    return _create(
        model=Action,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_action_summary,
        theme=theme_numbered(theme_number),
    )


def action_update(
    *,
    plan_id: int,
    action_id: int,
    base_edit_count: int,
    theme_number: int,
    fields: dict[str, Any],
    user,
) -> Action:
    """Change an action unless someone saved it since `base_edit_count`; records a revision."""
    return _update(
        model=Action,
        plan_id=plan_id,
        item_id=action_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=_action_summary,
        theme=theme_numbered(theme_number),
    )


def action_delete(*, plan_id: int, action_id: int, base_edit_count: int, user) -> None:
    """Delete an action; records a revision."""
    evidence_item_delete(
        model=Action,
        plan_id=plan_id,
        item_id=action_id,
        base_edit_count=base_edit_count,
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
        theme=theme_numbered(theme_number),
    )


def saving_update(
    *,
    plan_id: int,
    saving_id: int,
    base_edit_count: int,
    theme_number: int,
    fields: dict[str, Any],
    user,
) -> SavingsCommitment:
    """Change a savings commitment unless someone saved it since `base_edit_count`."""
    return _update(
        model=SavingsCommitment,
        plan_id=plan_id,
        item_id=saving_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=_saving_summary,
        theme=theme_numbered(theme_number),
    )


def saving_delete(*, plan_id: int, saving_id: int, base_edit_count: int, user) -> None:
    """Delete a savings commitment; records a revision."""
    evidence_item_delete(
        model=SavingsCommitment,
        plan_id=plan_id,
        item_id=saving_id,
        base_edit_count=base_edit_count,
        user=user,
        summary=_saving_summary,
    )


def barrier_create(*, plan_id: int, fields: dict[str, Any], user) -> Barrier:
    """Add a barrier, under the round's theme that collects barriers; records a revision."""
    return _create(
        model=Barrier,
        plan_id=plan_id,
        user=user,
        fields=fields,
        summary=_barrier_summary,
        theme=_barriers_theme,
    )


def barrier_update(
    *, plan_id: int, barrier_id: int, base_edit_count: int, fields: dict[str, Any], user
) -> Barrier:
    """Change a barrier unless someone saved it since `base_edit_count`; records a revision."""
    return _update(
        model=Barrier,
        plan_id=plan_id,
        item_id=barrier_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=_barrier_summary,
    )


def barrier_delete(*, plan_id: int, barrier_id: int, base_edit_count: int, user) -> None:
    """Delete a barrier; records a revision."""
    evidence_item_delete(
        model=Barrier,
        plan_id=plan_id,
        item_id=barrier_id,
        base_edit_count=base_edit_count,
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
    *, plan_id: int, partner_id: int, base_edit_count: int, fields: dict[str, Any], user
) -> Partner:
    """Change a partner unless someone saved it since `base_edit_count`; records a revision."""
    return _update(
        model=Partner,
        plan_id=plan_id,
        item_id=partner_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=_partner_summary,
    )


def partner_delete(*, plan_id: int, partner_id: int, base_edit_count: int, user) -> None:
    """Delete a partner; records a revision."""
    evidence_item_delete(
        model=Partner,
        plan_id=plan_id,
        item_id=partner_id,
        base_edit_count=base_edit_count,
        user=user,
        summary=_partner_summary,
    )


def strategy_create(*, plan_id: int, fields: dict[str, Any], user) -> StrategyLink:
    """Add a link to one of the council's strategies; records a revision."""
    return _create(
        model=StrategyLink, plan_id=plan_id, user=user, fields=fields, summary=_strategy_summary
    )


def strategy_update(
    *, plan_id: int, strategy_id: int, base_edit_count: int, fields: dict[str, Any], user
) -> StrategyLink:
    """Change a strategy link unless someone saved it since `base_edit_count`."""
    return _update(
        model=StrategyLink,
        plan_id=plan_id,
        item_id=strategy_id,
        base_edit_count=base_edit_count,
        user=user,
        fields=fields,
        summary=_strategy_summary,
    )


def strategy_delete(*, plan_id: int, strategy_id: int, base_edit_count: int, user) -> None:
    """Delete a strategy link; records a revision."""
    evidence_item_delete(
        model=StrategyLink,
        plan_id=plan_id,
        item_id=strategy_id,
        base_edit_count=base_edit_count,
        user=user,
        summary=_strategy_summary,
    )


# --- Spend figures and the plan's cost (one row per plan) --------------------------------------


def _figures_save(*, plan_id: int, base_edit_count: int, fields: dict, user, allowed, summary):
    _check_fields(SpendFigures, fields, allowed)
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
        figures = SpendFigures.objects.select_for_update(of=("self",)).filter(plan=plan).first()
        current_edit_count = figures.edit_count if figures else 0
        if current_edit_count != base_edit_count:
            raise EvidenceConflict(current=figures, what=WHAT[SpendFigures])
        if figures is None:
            figures = SpendFigures(plan=plan, updated_by=user, edit_count=0)
        elif _unchanged(figures, fields):
            return figures
        for name, value in fields.items():
            setattr(figures, name, value)
        evidence_item_validate(figures, _figures_problems(figures))
        figures.edit_count += 1
        figures.updated_by = user
        figures.save()
        plan_record_change(plan=plan, user=user, summary=summary)
    return figures


def spend_figures_save(
    *, plan_id: int, base_edit_count: int, fields: dict[str, Any], user
) -> SpendFigures:
    """Save the agency, consultancy, EDI and facility-time figures; `base_edit_count` 0 means the
    editor saw none yet. Records a revision."""
    return _figures_save(
        plan_id=plan_id,
        base_edit_count=base_edit_count,
        fields=fields,
        user=user,
        allowed=FIGURE_FIELDS,
        summary="Saved the spend figures",
    )


def plan_cost_save(
    *, plan_id: int, base_edit_count: int, plan_cost: Decimal | None, plan_cost_note: str, user
) -> SpendFigures:
    """Save what producing the plan cost; records a revision."""
    return _figures_save(
        plan_id=plan_id,
        base_edit_count=base_edit_count,
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
    with plan_locked_for_evidence(plan_id=plan_id, user=user) as plan:
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
