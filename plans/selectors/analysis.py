"""Reads for the panel's analysis pages: structured evidence across plans, compare, search and
the figures CSV.

Everything comes from the content of each council's latest version sent to the ministry (the
frozen JSON a `PlanVersion` hashes), never the live draft, and is scoped by
`councils.permissions.panel_submission_scope`. Counts and distributions only: councils are listed
alphabetically, never ordered by a figure. Each read runs a fixed number of queries whatever the
number of plans.
"""

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Func,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from councils import permissions
from councils.models import Council
from plans.content import FIGURE_LABELS
from plans.models import (
    GuidingQuestion,
    Plan,
    PlanVersion,
    QuestionCoverage,
    Round,
    SearchParagraph,
    Submission,
    Theme,
)
from plans.models.evidence import BarrierCategory
from plans.search import (
    MARK_START,
    MARK_STOP,
    americanise_spelling,
    normalise_spelling,
    paragraph_anchor,
    split_query,
)
from plans.selectors.panel import TrackerFilters, tracker_councils

# The quartile method, stated on the page: Python's statistics.quantiles(method="inclusive"),
# which treats the figures as the whole population (the councils that gave one): the lower
# quartile of 1, 2, 3, 4 is 1.75, the median 2.5 and the upper quartile 3.25.
QUARTILE_METHOD = "inclusive"

SEARCH_PAGE_SIZE = 20


@dataclass(frozen=True)
class SentPlan:
    """A council in the filter with its latest sent version's content."""

    gss_code: str
    name: str
    tier: str
    region: str
    version_number: int
    reference: str
    content: dict


class _WithoutNarratives(Func):
    """A version's content without its themes' narratives (PostgreSQL): the counts and figures
    need the structured evidence only, and the narratives are most of a plan's size."""

    template = (
        "jsonb_set(%(expressions)s, '{themes}', (SELECT coalesce(jsonb_agg(item.theme - "
        "'narrative' ORDER BY item.ordinal), '[]'::jsonb) FROM jsonb_array_elements(coalesce("
        "%(expressions)s -> 'themes', '[]'::jsonb)) WITH ORDINALITY AS item(theme, ordinal)))"
    )
    output_field = JSONField()


def sent_plans(
    *,
    user,
    round: Round,
    filters: TrackerFilters,
    gss_codes: list[str] | None = None,
    narratives: bool = True,
) -> list[SentPlan]:
    """The councils in the tracker's filter (and among `gss_codes`, when given) that have sent a
    plan, alphabetically, each with the content of its latest sent version (one query); with
    `narratives=False` the themes' narratives may be left out."""
    latest = (
        Submission.objects.filter(
            permissions.panel_submission_scope(user), plan_id=OuterRef("plan_id")
        )
        .order_by("-sent_at", "-pk")
        .values("version_id")[:1]
    )
    councils = (
        tracker_councils(user=user, round=round, filters=filters)
        .filter(first_sent_at__isnull=False)
        .annotate(sent_version_id=Subquery(latest))
    )
    if gss_codes is not None:
        councils = councils.filter(gss_code__in=gss_codes)
    version = PlanVersion.objects.filter(pk=OuterRef("sent_version_id"))
    content = version.values("content")
    if not narratives and connection.vendor == "postgresql":
        content = version.annotate(slim=_WithoutNarratives("content")).values("slim")
    rows = councils.annotate(
        content=Subquery(content[:1], output_field=JSONField()),
        version_number=Subquery(version.values("number")[:1]),
        sha256=Subquery(version.values("sha256")[:1]),
    ).values_list("gss_code", "name", "tier", "region", "version_number", "sha256", "content")
    return [
        SentPlan(
            gss_code=gss,
            name=name,
            tier=tier,
            region=region,
            version_number=number,
            reference=(sha or "")[:12],
            content=content or {},
        )
        for gss, name, tier, region, number, sha, content in rows.order_by("name", "pk")
    ]


# --- Structured evidence --------------------------------------------------------------------


@dataclass
class Distribution:
    """One figure's spread among the councils of one tier (or all tiers)."""

    label: str
    unit: str
    given: int
    not_given: int
    lower_quartile: Decimal | None = None
    median: Decimal | None = None
    upper_quartile: Decimal | None = None


def distribution(values: list[Decimal], *, not_given: int, label: str = "", unit: str = ""):
    """Median and quartiles of the figures given ("inclusive" method); none when no figure."""
    result = Distribution(label=label, unit=unit, given=len(values), not_given=not_given)
    if not values:
        return result
    ordered = sorted(values)
    if len(ordered) == 1:
        result.lower_quartile = result.median = result.upper_quartile = ordered[0]
        return result
    lower, middle, upper = statistics.quantiles(ordered, n=4, method=QUARTILE_METHOD)
    result.lower_quartile, result.median, result.upper_quartile = lower, middle, upper
    return result


@dataclass
class BarrierWords:
    council: str
    gss_code: str
    title: str
    description: str
    ask: str


@dataclass
class BarrierCount:
    category: str
    label: str
    plans: int
    words: list[BarrierWords] = field(default_factory=list)


@dataclass
class QuestionCount:
    theme_number: int
    number: int
    text: str
    plans: int


@dataclass
class StructuredEvidence:
    plans: int
    barriers: list[BarrierCount]
    questions: list[QuestionCount]
    questions_base: int
    questions_in_correction: int
    figures: list[dict]
    savings_total: Decimal
    savings_plans: int
    savings_by_theme: list[dict]
    partners: list[tuple[str, int]]
    partners_named_once: int
    kpi_topics: list[tuple[str, int]]
    kpi_topics_named_once: int

    @property
    def most_answered(self) -> list[QuestionCount]:
        top = max((q.plans for q in self.questions), default=0)
        return [q for q in self.questions if q.plans == top] if top else []

    @property
    def least_answered(self) -> list[QuestionCount]:
        low = min((q.plans for q in self.questions), default=0)
        return [q for q in self.questions if q.plans == low]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _topic(text: str) -> str:
    return " ".join(text.split()).strip(" .").lower()


def _top_counts(names: dict[str, Counter], limit: int = 20) -> tuple[list[tuple[str, int]], int]:
    """The most often named (at least twice), by count then name, and how many were named once.
    Each key counts a plan once; the label shown is the spelling used most."""
    counted = sorted(
        ((spellings.most_common(1)[0][0], spellings.total()) for spellings in names.values()),
        key=lambda item: (-item[1], item[0].lower()),
    )
    repeated = [item for item in counted if item[1] > 1]
    return repeated[:limit], sum(1 for item in counted if item[1] == 1)


def structured_evidence(*, user, round: Round, filters: TrackerFilters) -> StructuredEvidence:
    """Counts and distributions across the filtered councils' sent plans (four queries)."""
    plans = sent_plans(user=user, round=round, filters=filters, narratives=False)
    themes = {theme.number: theme for theme in Theme.objects.filter(round=round)}
    tiers = dict(Council.Tier.choices)

    barriers = {
        value: BarrierCount(category=value, label=label, plans=0)
        for value, label in BarrierCategory.choices
    }
    figures: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    tier_totals: Counter = Counter()
    savings_total, savings_plans = Decimal(0), 0
    savings_by_theme: dict[int, dict] = {}
    partners: dict[str, Counter] = defaultdict(Counter)
    kpis: dict[str, Counter] = defaultdict(Counter)

    for plan in plans:
        content = plan.content
        tier_totals[plan.tier] += 1
        cited = set()
        plan_partners, plan_kpis = set(), set()
        for theme in content.get("themes", []):
            for barrier in theme.get("barriers", []):
                category = barriers.get(barrier.get("category")) or barriers["other"]
                if category.category not in cited:
                    category.plans += 1
                    cited.add(category.category)
                category.words.append(
                    BarrierWords(
                        council=plan.name,
                        gss_code=plan.gss_code,
                        title=barrier.get("title", ""),
                        description=barrier.get("description", ""),
                        ask=barrier.get("ask", ""),
                    )
                )
            theme_savings = [
                _decimal(s.get("amount")) or Decimal(0) for s in theme.get("savings", [])
            ]
            if theme_savings:
                bucket = savings_by_theme.setdefault(
                    theme["number"], {"amount": Decimal(0), "plans": 0}
                )
                bucket["amount"] += sum(theme_savings, Decimal(0))
                bucket["plans"] += 1
            for kpi in theme.get("kpis", []):
                topic = _topic(kpi.get("name", ""))
                if topic and topic not in plan_kpis:
                    plan_kpis.add(topic)
                    kpis[topic][" ".join(kpi["name"].split())] += 1
        if content.get("savings_total") is not None:
            savings_total += Decimal(content["savings_total"])
            savings_plans += 1
        spend = content.get("spend_figures") or {}
        for name in FIGURE_LABELS:
            if spend.get(name) is not None:
                figures[name][plan.tier].append(Decimal(spend[name]))
        for partner in content.get("partners", []):
            key = _topic(partner.get("name", ""))
            if key and key not in plan_partners:
                plan_partners.add(key)
                partners[key][" ".join(partner["name"].split())] += 1

    tier_order = [value for value, _ in Council.Tier.choices if tier_totals[value]]
    figure_rows = []
    for name, (label, unit) in FIGURE_LABELS.items():
        rows = []
        for tier in tier_order:
            values = figures[name][tier]
            rows.append(
                distribution(
                    values,
                    not_given=tier_totals[tier] - len(values),
                    label=tiers[tier],
                    unit=unit,
                )
            )
        every = [value for tier in tier_order for value in figures[name][tier]]
        rows.append(
            distribution(every, not_given=len(plans) - len(every), label="All tiers", unit=unit)
        )
        figure_rows.append({"name": name, "label": label, "unit": unit, "rows": rows})

    questions, base, in_correction = _question_counts(user=user, round=round, filters=filters)
    partner_rows, partners_once = _top_counts(partners)
    kpi_rows, kpis_once = _top_counts(kpis)
    return StructuredEvidence(
        plans=len(plans),
        # Categories with the most plans first; ties in the letter's list order.
        barriers=sorted(
            (count for count in barriers.values() if count.plans),
            key=lambda count: -count.plans,
        ),
        questions=questions,
        questions_base=base,
        questions_in_correction=in_correction,
        figures=figure_rows,
        savings_total=savings_total,
        savings_plans=savings_plans,
        savings_by_theme=[
            {
                "number": number,
                "title": themes[number].short_title if number in themes else f"Theme {number}",
                **savings_by_theme[number],
            }
            for number in sorted(savings_by_theme)
        ],
        partners=partner_rows,
        partners_named_once=partners_once,
        kpi_topics=kpi_rows,
        kpi_topics_named_once=kpis_once,
    )


def _question_counts(*, user, round: Round, filters: TrackerFilters):
    """How many plans say they answer each guiding question, in the letter's order.

    A version does not freeze the officers' checklist of questions, and the checklist can only
    change while the plan is a draft: so for a plan whose latest version was sent (status
    submitted) the checklist is what that version said. Plans with a correction under way are
    left out and counted apart, so the counts never show a draft's checklist."""
    councils = tracker_councils(user=user, round=round, filters=filters).filter(
        first_sent_at__isnull=False
    )
    plans = Plan.objects.filter(
        permissions.panel_plan_scope(user),
        round=round,
        council_id__in=councils.values("pk"),
    )
    counts = plans.aggregate(
        sent=Count("pk", filter=Q(status=Plan.Status.SUBMITTED)),
        other=Count("pk", filter=~Q(status=Plan.Status.SUBMITTED)),
    )
    answered = dict(
        QuestionCoverage.objects.filter(
            answered=True,
            plan__in=plans.filter(status=Plan.Status.SUBMITTED),
            question__theme__round=round,
        )
        .values("question_id")
        .annotate(plans=Count("plan_id", distinct=True))
        .values_list("question_id", "plans")
    )
    questions = [
        QuestionCount(
            theme_number=question.theme.number,
            number=question.number,
            text=question.text,
            plans=answered.get(question.pk, 0),
        )
        for question in GuidingQuestion.objects.filter(theme__round=round)
        .select_related("theme")
        .order_by("theme__number", "number")
    ]
    return questions, counts["sent"], counts["other"]


# --- Compare --------------------------------------------------------------------------------


def submitted_councils(*, user, round: Round) -> list[tuple[str, str]]:
    """(GSS code, name) of every council with a plan sent in the round, alphabetically."""
    sent = Submission.objects.filter(
        permissions.panel_submission_scope(user), plan__round=round, plan__council=OuterRef("pk")
    )
    return list(
        Council.objects.filter(Exists(sent)).order_by("name", "pk").values_list("gss_code", "name")
    )


def compare_plans(*, user, round: Round, gss_codes: list[str]) -> list[SentPlan]:
    """The chosen councils' latest sent content, in the order chosen (one query). A council
    with nothing sent is simply absent: the form refuses it before this is asked."""
    plans = {
        plan.gss_code: plan
        for plan in sent_plans(
            user=user, round=round, filters=TrackerFilters(), gss_codes=gss_codes
        )
    }
    return [plans[code] for code in gss_codes if code in plans]


# --- Search ---------------------------------------------------------------------------------


def search_is_full_text() -> bool:
    return connection.vendor == "postgresql"


@dataclass
class SearchResult:
    council: str
    gss_code: str
    theme_number: int
    position: int
    version_number: int
    anchor: str
    snippet: SafeString


def _highlight_terms(snippet_html: str, words: list[str]) -> str:
    """Mark each word (already escaped text) outside the existing marks, as written."""
    if not words:
        return snippet_html
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(escape(w)) for w in words) + r")(?!\w)")
    parts = re.split(r"(<mark>.*?</mark>)", snippet_html)
    return "".join(
        part if part.startswith("<mark>") else pattern.sub(r"<mark>\1</mark>", part)
        for part in parts
    )


def _window(text: str, needles: list[str], *, flags=0, width: int = 220) -> str:
    """About `width` characters of the text around the first needle found."""
    start = 0
    for needle in needles:
        match = re.search(re.escape(needle), text, flags)
        if match:
            start = max(0, match.start() - width // 3)
            break
    piece = text[start : start + width]
    return ("… " if start else "") + piece + (" …" if start + width < len(text) else "")


def _search_rows(*, user, round: Round, filters: TrackerFilters) -> QuerySet[SearchParagraph]:
    councils = tracker_councils(user=user, round=round, filters=filters).filter(
        first_sent_at__isnull=False
    )
    sent = Submission.objects.filter(
        permissions.panel_submission_scope(user), version_id=OuterRef("version_id")
    )
    return SearchParagraph.objects.filter(
        Exists(sent), plan__round=round, plan__council__in=councils.values("pk")
    )


def search_paragraphs(
    *, user, round: Round, filters: TrackerFilters, query: str, page_number
) -> Page | None:
    """The paragraphs of sent plans matching the query, by council name then place in the plan
    (never by a relevance score), one page of 20; snippets are built for that page only.

    PostgreSQL: websearch syntax over the `english` vector (British spellings), plus each word in
    capitals over the acronym vector. Elsewhere: a case-insensitive substring search."""
    query = " ".join(query.split())
    if not query:
        return None
    rows = _search_rows(user=user, round=round, filters=filters)
    words, acronyms = split_query(query)
    full_text = search_is_full_text()
    if full_text:
        if words:
            rows = rows.filter(
                english_vector=SearchQuery(
                    normalise_spelling(words), config="english", search_type="websearch"
                )
            )
        for acronym in acronyms:
            rows = rows.filter(
                acronym_vector=SearchQuery(acronym.lower(), config="simple", search_type="plain")
            )
    else:
        rows = rows.filter(text__icontains=query)
    rows = rows.order_by("plan__council__name", "plan_id", "theme_number", "position").values_list(
        "pk", flat=True
    )
    page = Paginator(rows, SEARCH_PAGE_SIZE).get_page(page_number)
    ids = list(page.object_list)
    shown = (
        SearchParagraph.objects.filter(pk__in=ids)
        .select_related("plan__council", "version")
        .defer("version__content")
    )
    if full_text and words:
        highlight = SearchQuery(
            normalise_spelling(words), config="english", search_type="websearch"
        ) | SearchQuery(americanise_spelling(words), config="english", search_type="websearch")
        shown = shown.annotate(
            # ts_headline drops whatever looks like a tag: it gets the text escaped, so a
            # "<script>" a council wrote shows as text, and adds only the two marks.
            headline=SearchHeadline(
                Replace(
                    Replace(Replace("text", Value("&"), Value("&amp;")), Value("<"), Value("&lt;")),
                    Value(">"),
                    Value("&gt;"),
                ),
                highlight,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
            )
        )
    by_id = {row.pk: row for row in shown}
    results = []
    for pk in ids:
        row = by_id[pk]
        if full_text and words:
            snippet = row.headline.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
            snippet = _highlight_terms(snippet, acronyms)
        elif full_text:
            snippet = _highlight_terms(escape(_window(row.text, acronyms)), acronyms)
        else:
            piece = escape(_window(row.text, [query], flags=re.IGNORECASE))
            pattern = re.compile(re.escape(escape(query)), re.IGNORECASE)
            snippet = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", piece)
        results.append(
            SearchResult(
                council=row.plan.council.name,
                gss_code=row.plan.council.gss_code,
                theme_number=row.theme_number,
                position=row.position,
                version_number=row.version.number,
                anchor=paragraph_anchor(row.theme_number, row.position),
                snippet=mark_safe(snippet),  # every piece of text escaped above
            )
        )
    page.object_list = results
    return page


__all__ = [
    "QUARTILE_METHOD",
    "SEARCH_PAGE_SIZE",
    "Distribution",
    "SentPlan",
    "StructuredEvidence",
    "compare_plans",
    "distribution",
    "search_is_full_text",
    "search_paragraphs",
    "sent_plans",
    "structured_evidence",
    "submitted_councils",
]
