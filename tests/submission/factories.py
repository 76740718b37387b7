"""Approved versions for submission tests (sign-off itself is built and tested elsewhere)."""

from django.db.models import Max

from plans.content import content_sha256, plan_content
from plans.models import Plan, PlanVersion
from tests.factories import PlanFactory, officer_of

PARAGRAPHS = [
    "We moved our customer contact to a single digital front door, so residents can report, "
    "book and pay at any hour, and the contact centre now handles the cases that need a person.",
    "We share a finance, legal and ICT service with two neighbouring councils, which took "
    "duplicated management out of all three and gave each of us resilience we could not afford "
    "alone.",
    "We plan over a rolling ten-year budget and have not needed revenue support grant for six "
    "years; every service review starts from what residents value most.",
    "Our agency and consultancy spend is below five per cent of the staff budget and we publish "
    "it every quarter with the reasons for each engagement that lasts more than a year.",
]


def typical_narrative(theme_number: int, paragraphs: int = 5) -> str:
    """A theme written the way councils write them: numbered paragraphs, a list and a table."""
    lines = [f"## Theme {theme_number} in summary", ""]
    for index in range(paragraphs):
        lines += [f"{theme_number}.{index + 1} {PARAGRAPHS[index % len(PARAGRAPHS)]}", ""]
    lines += [
        "What we will do next:",
        "",
        "- finish moving the remaining paper forms online",
        "- review our office space with our partners",
        "- publish our productivity measures every quarter",
        "",
        "| Measure | 2022/23 | 2023/24 |",
        "|---|---|---|",
        "| Residents satisfied with the council | 79% | 81% |",
        "| Calls answered first time | 72% | 84% |",
        "",
    ]
    return "\n".join(lines)


def approved_version(
    plan: Plan | None = None,
    *,
    narratives: dict[int, str] | None = None,
    paragraphs: int = 5,
    extra: dict | None = None,
    created_by=None,
) -> PlanVersion:
    """Freeze the plan's content as a new version and mark the plan approved."""
    plan = plan or PlanFactory()
    created_by = created_by or officer_of(plan.council, title="Head of Strategy")
    for section in plan.sections.select_related("theme"):
        number = section.theme.number
        text = (narratives or {}).get(number)
        section.narrative = text if text is not None else typical_narrative(number, paragraphs)
        section.is_complete = True
        section.save(update_fields=["narrative", "is_complete"])
    content = plan_content(plan)
    content.update(extra or {})
    number = (plan.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        content=content,
        sha256=content_sha256(content),
        created_by=created_by,
    )
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.status = Plan.Status.APPROVED
    return version
