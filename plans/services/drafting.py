from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from councils import permissions
from councils.models import Council
from plans.markdown import normalise_text, render_markdown, validate_narrative_length
from plans.models import Plan, Round, ThemeSection
from plans.services.audit import audit_record
from plans.services.revisions import plan_ensure_editable, plan_record_change


class EditConflict(ValidationError):
    """Someone else saved the same thing since the editor loaded it."""

    def __init__(self, *, current):
        self.current = current
        super().__init__(
            "Someone else saved this theme while you were editing it", code="edit_conflict"
        )


@dataclass(frozen=True)
class SaveResult:
    section: ThemeSection
    changed: bool


def plan_start(*, council: Council, round: Round, user, ip_address: str | None = None) -> Plan:
    """Start the council's plan for a round (or return it if started); creates its sections."""
    permissions.require(user, "plan_start", council)
    if not round.is_open():
        raise ValidationError("This round has not opened yet", code="round_not_open")
    existing = Plan.objects.filter(council=council, round=round).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            plan = Plan.objects.create(council=council, round=round, created_by=user)
            ThemeSection.objects.bulk_create(
                ThemeSection(plan=plan, theme=theme) for theme in round.themes.all()
            )
            audit_record(action="plan_started", plan=plan, actor=user, ip_address=ip_address)
            plan_record_change(plan=plan, user=user, summary="Started the plan")
    except IntegrityError:
        # Another officer started it at the same moment: theirs is the plan.
        return Plan.objects.get(council=council, round=round)
    return plan


def section_save(
    *,
    section_id: int,
    narrative: str,
    is_complete: bool,
    base_edit_count: int,
    user,
    autosave: bool = False,
) -> SaveResult:
    """Save a theme's narrative if nobody saved it since `base_edit_count`; records a revision.

    Raises EditConflict (carrying the newer section) instead of overwriting someone's work.
    """
    narrative = normalise_text(narrative)
    validate_narrative_length(narrative)
    with transaction.atomic():
        plan_id = ThemeSection.objects.values_list("plan_id", flat=True).get(pk=section_id)
        # Lock the plan row: every change to one plan is serialised through it.
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("council", "round")
            .get(pk=plan_id)
        )
        permissions.require(user, "plan_edit", plan)
        plan_ensure_editable(plan)
        section = (
            ThemeSection.objects.select_for_update(of=("self",))
            .select_related("theme")
            .get(pk=section_id)
        )
        if section.edit_count != base_edit_count:
            raise EditConflict(
                current=ThemeSection.objects.select_related("theme", "updated_by").get(
                    pk=section_id
                )
            )
        if section.narrative == narrative and section.is_complete == is_complete:
            return SaveResult(section=section, changed=False)
        section.narrative = narrative
        section.narrative_html = render_markdown(narrative)
        section.is_complete = is_complete
        section.edit_count += 1
        section.updated_by = user
        section.updated_at = timezone.now()
        section.save()
        section.plan = plan
        verb = "Autosaved" if autosave else "Saved"
        plan_record_change(plan=plan, user=user, summary=f"{verb} theme {section.theme.number}")
    return SaveResult(section=section, changed=True)
