"""Reads for the ministry panel: the tracker of every council in a round, and the reading room.

Everything here is scoped by `councils.permissions` (`panel_submission_scope`, `panel_plan_scope`):
the panel sees sent submissions only, never a draft, an unsent version or sign-off discussion.
The tracker is one query for 317 rows and their counts, however many councils or versions.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from councils import permissions
from councils.models import Council
from plans.deadlines import council_deadline, with_council_deadline
from plans.models import (
    CodedExtract,
    ExtractCode,
    PanelExport,
    PanelNote,
    PanelReadMarker,
    Plan,
    PlanVersion,
    Round,
    Submission,
    TrackerStatus,
)
from plans.selectors.generation import panel_cached
from plans.selectors.signoff import sign_off_record_for_version

ORDERS = {"name": ("name", "pk"), "region": ("region", "name", "pk")}


@dataclass(frozen=True)
class TrackerFilters:
    """One state of the tracker list: search, filters and order, all GET parameters."""

    q: str = ""
    tiers: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    submitted: str = ""  # "yes", "no" or "" for either
    order: str = "name"
    code: int | None = None  # councils with at least one extract of this code

    def params(self) -> list[tuple[str, str]]:
        """The filters as GET parameters, in a fixed order (so equal states share one URL)."""
        pairs = [("q", self.q)] if self.q else []
        pairs += [("tier", tier) for tier in self.tiers]
        pairs += [("region", region) for region in self.regions]
        pairs += [("status", status) for status in self.statuses]
        pairs += [("submitted", self.submitted)] if self.submitted else []
        pairs += [("order", self.order)] if self.order != "name" else []
        pairs += [("code", str(self.code))] if self.code is not None else []
        return pairs

    @property
    def querystring(self) -> str:
        return urlencode(self.params())

    def as_json(self) -> dict:
        return {
            "q": self.q,
            "tiers": list(self.tiers),
            "regions": list(self.regions),
            "statuses": list(self.statuses),
            "submitted": self.submitted,
            "order": self.order,
            "code": self.code,
        }

    @classmethod
    def from_json(cls, data: dict) -> "TrackerFilters":
        return cls(
            q=data.get("q", ""),
            tiers=tuple(data.get("tiers", ())),
            regions=tuple(data.get("regions", ())),
            statuses=tuple(data.get("statuses", ())),
            submitted=data.get("submitted", ""),
            order=data.get("order", "name"),
            code=data.get("code"),
        )

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.q
            or self.tiers
            or self.regions
            or self.statuses
            or self.submitted
            or self.code is not None
        )


def panel_current_round(user) -> Round | None:
    """The round the panel lands on: the latest opened round with a plan sent to the ministry,
    else the latest opened round (a newly opened round has nothing to read yet)."""
    opened = Round.objects.filter(opens_at__lte=timezone.now()).order_by("-deadline")
    sent = Submission.objects.filter(
        permissions.panel_submission_scope(user), plan__round_id=OuterRef("pk")
    )
    return opened.filter(Exists(sent)).first() or opened.first()


def panel_round(*, slug: str) -> Round:
    round_ = panel_cached(("round", slug), lambda: Round.objects.filter(slug=slug).first())
    if round_ is None:
        raise Http404("No such round")
    return round_


def panel_rounds() -> list[Round]:
    """The rounds that have opened (kept per minute, as a round opens at a given time)."""
    minute = timezone.now().replace(second=0, microsecond=0)
    return panel_cached(
        ("rounds", minute),
        lambda: list(Round.objects.filter(opens_at__lte=minute).order_by("-deadline")),
    )


def _status_expression() -> Case:
    """Where a council stands: sent (on time or late against its own deadline) first."""
    Status = TrackerStatus
    return Case(
        When(first_sent_at__gt=F("deadline"), then=Value(Status.SUBMITTED_LATE)),
        When(first_sent_at__isnull=False, then=Value(Status.SUBMITTED_ON_TIME)),
        When(extension_until__isnull=False, then=Value(Status.EXTENSION)),
        When(plan_status=Plan.Status.APPROVED, then=Value(Status.APPROVED)),
        When(plan_status=Plan.Status.AWAITING_SIGN_OFF, then=Value(Status.AWAITING_SIGN_OFF)),
        When(plan_status__isnull=False, then=Value(Status.DRAFTING)),
        default=Value(Status.NOT_STARTED),
        output_field=CharField(),
    )


def tracker_councils(*, user, round: Round, filters: TrackerFilters) -> QuerySet[Council]:
    """Every council in the round, one row each, annotated with where it stands (one query).

    The council's plan and extension in the round are LEFT JOINs; the sent submissions are
    subqueries on the plan's id (indexed), so the cost grows with councils only.
    """
    # .order_by() drops the models' default orderings, which would join other tables.
    sent = Submission.objects.filter(
        permissions.panel_submission_scope(user), plan_id=OuterRef("round_plan__id")
    ).order_by()
    latest = sent.order_by("-sent_at", "-pk")
    councils = with_council_deadline(
        Council.objects.annotate(
            round_plan=FilteredRelation("plans", condition=Q(plans__round_id=round.pk))
        ),
        round=round,
    )
    councils = councils.annotate(
        plan_id=F("round_plan__id"),
        plan_status=F("round_plan__status"),
        first_sent_at=Subquery(sent.order_by("sent_at", "pk").values("sent_at")[:1]),
        latest_sent_at=Subquery(latest.values("sent_at")[:1]),
        latest_submission_id=Subquery(latest.values("pk")[:1], output_field=IntegerField()),
        pages=Subquery(latest.values("page_count")[:1], output_field=IntegerField()),
        version_reference=Subquery(latest.values("version__sha256")[:1]),
    ).annotate(tracker_status=_status_expression())
    if filters.q:
        q = filters.q.strip()
        councils = councils.filter(
            Q(name__icontains=q) | Q(nice_name__icontains=q) | Q(gss_code__iexact=q)
        )
    if filters.tiers:
        councils = councils.filter(tier__in=filters.tiers)
    if filters.regions:
        councils = councils.filter(region__in=filters.regions)
    if filters.statuses:
        councils = councils.filter(tracker_status__in=filters.statuses)
    if filters.submitted == "yes":
        councils = councils.filter(first_sent_at__isnull=False)
    elif filters.submitted == "no":
        councils = councils.filter(first_sent_at__isnull=True)
    if filters.code is not None:
        coded = ExtractCode.objects.filter(
            code_id=filters.code,
            extract__plan_id=OuterRef("round_plan__id"),
            extract__in=CodedExtract.objects.filter(permissions.extract_scope(user)),
        )
        councils = councils.filter(Exists(coded))
    # Alphabetical or by region: never by a figure.
    return councils.order_by(*ORDERS.get(filters.order, ORDERS["name"]))


@dataclass(frozen=True)
class TrackerCounts:
    total: int
    submitted: int
    late: int
    extensions: int
    deadline: datetime
    now: datetime = field(default_factory=timezone.now)

    @property
    def days_to_deadline(self) -> int:
        """Whole days left until the round's deadline (0 on the day, negative after it)."""
        local_deadline = timezone.localtime(self.deadline).date()
        return (local_deadline - timezone.localtime(self.now).date()).days


def tracker_counts(*, councils: QuerySet[Council], round: Round) -> TrackerCounts:
    """The counts above the list, for exactly the filtered rows, computed in the database."""
    counts = councils.order_by().aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(first_sent_at__isnull=False)),
        late=Count("pk", filter=Q(tracker_status=TrackerStatus.SUBMITTED_LATE)),
        extensions=Count("pk", filter=Q(extension_until__isnull=False)),
    )
    return TrackerCounts(deadline=round.deadline, **counts)


# The counts as window aggregates: computed by the database over exactly the filtered rows.
_COUNT_WINDOWS = {
    "count_total": Count("pk"),
    "count_submitted": Count("pk", filter=Q(first_sent_at__isnull=False)),
    "count_late": Count("pk", filter=Q(tracker_status=TrackerStatus.SUBMITTED_LATE)),
    "count_extensions": Count("pk", filter=Q(extension_until__isnull=False)),
}


def tracker_table(
    *,
    user,
    round: Round,
    filters: TrackerFilters,
    columns: tuple[str, ...],
    read: frozenset[int] = frozenset(),
) -> tuple[list[tuple], TrackerCounts]:
    """The rows' `columns` and the counts above them.

    One query: each row carries the counts of the whole filtered list as window aggregates. It
    is kept until the panel's data changes (`panel_cached`); the column "is_read" says whether the
    row's plan is in `read` (`panel_read_plans`: read afresh, as opening a plan writes a marker).
    """
    stored = tuple(column for column in columns if column != "is_read")
    extra = ("plan_id",)

    def build():
        councils = tracker_councils(user=user, round=round, filters=filters)
        windows = {name: Window(expression) for name, expression in _COUNT_WINDOWS.items()}
        rows = list(councils.annotate(**windows).values_list(*stored, *extra, *windows))
        width = len(stored) + len(extra)
        numbers = rows[0][width:] if rows else (0, 0, 0, 0)
        return [row[:width] for row in rows], numbers

    rows, (total, submitted, late, extensions) = panel_cached(
        ("tracker", user.pk, round.pk, filters, stored), build
    )
    counts = TrackerCounts(
        deadline=round.deadline, total=total, submitted=submitted, late=late, extensions=extensions
    )
    if "is_read" not in columns:
        return [row[: len(stored)] for row in rows], counts
    at = columns.index("is_read")
    table = []
    for row in rows:
        values = list(row[: len(stored)])
        values.insert(at, row[len(stored)] in read)
        table.append(tuple(values))
    return table, counts


def panel_read_plans(*, user, round: Round) -> frozenset[int]:
    """The round's plans this user has opened since their latest version was sent (read
    markers are read afresh: opening a plan writes one)."""
    latest = panel_cached(
        ("latest_sent", user.pk, round.pk),
        lambda: dict(
            Submission.objects.filter(
                permissions.panel_submission_scope(user), plan__round_id=round.pk
            )
            .order_by()
            .values("plan_id")
            .annotate(latest=Max("sent_at"))
            .values_list("plan_id", "latest")
        ),
    )
    # All this user's markers (no join: the plans of other rounds are not in `latest`).
    markers = (
        PanelReadMarker.objects.filter(user_id=user.pk).order_by().values_list("plan_id", "read_at")
    )
    return frozenset(
        plan_id for plan_id, read_at in markers if plan_id in latest and read_at >= latest[plan_id]
    )


def tracker_regions() -> list[str]:
    return panel_cached(
        ("regions",),
        lambda: list(
            Council.objects.order_by("region").values_list("region", flat=True).distinct()
        ),
    )


def tracker_neighbours(
    *, user, round: Round, filters: TrackerFilters, gss_code: str
) -> tuple[Council | None, Council | None, int, int]:
    """The submitted councils before and after this one in the filtered list, its position
    (1-based, 0 when the filters leave it out) and how many submitted councils the list has."""
    # Only the two columns: the annotations are computed where the filters need them.
    listed, positions = panel_cached(
        ("neighbours", user.pk, round.pk, filters),
        lambda: _listed_with_positions(
            tracker_councils(user=user, round=round, filters=filters)
            .filter(first_sent_at__isnull=False)
            .values_list("gss_code", "name")
        ),
    )

    def council_at(index: int) -> Council | None:
        if 0 <= index < len(listed):
            return Council(gss_code=listed[index][0], name=listed[index][1])
        return None

    index = positions.get(gss_code)
    if index is None:
        return None, council_at(0), 0, len(listed)
    return council_at(index - 1), council_at(index + 1), index + 1, len(listed)


def _listed_with_positions(rows) -> tuple[list[tuple[str, str]], dict[str, int]]:
    listed = list(rows)
    return listed, {code: index for index, (code, _) in enumerate(listed)}


# --- The reading room --------------------------------------------------------------------------


def panel_plan(*, user, round: Round, gss_code: str) -> Plan:
    """A council's plan in the round, when the panel may read it (something sent), or 404."""
    plan = panel_cached(
        ("panel_plan", user.pk, round.pk, gss_code),
        lambda: (
            Plan.objects.filter(permissions.panel_plan_scope(user))
            .select_related("council", "round")
            .filter(round_id=round.pk, council__gss_code=gss_code)
            .first()
        ),
    )
    if plan is None:
        raise Http404("No plan the panel may read")
    return plan


def panel_council_deadline(*, plan: Plan) -> datetime:
    return panel_cached(
        ("council_deadline", plan.council_id, plan.round_id),
        lambda: council_deadline(council_id=plan.council_id, round=plan.round),
    )


def panel_submissions(*, user, plan: Plan) -> list[Submission]:
    """The plan's sent submissions, oldest version first (without PDFs or content)."""
    return panel_cached(
        ("panel_submissions", user.pk, plan.pk),
        lambda: list(
            Submission.objects.filter(permissions.panel_submission_scope(user), plan_id=plan.pk)
            .select_related("version")
            .defer("pdf", "version__content")
            .order_by("version__number", "sent_at", "pk")
        ),
    )


def panel_submission_for_version(submissions: list[Submission], number: int | None) -> Submission:
    """The sent submission of version `number` (the latest when None), or 404."""
    if number is None:
        return submissions[-1]
    for submission in submissions:
        if submission.version.number == number:
            return submission
    raise Http404("No sent submission of this version")


def panel_version_content(*, submission: Submission) -> PlanVersion:
    return PlanVersion.objects.get(pk=submission.version_id)


def panel_submission_pdf(*, submission: Submission) -> bytes | None:
    """The PDF the ministry received: from the row, or the copy on disk."""
    row = Submission.objects.filter(pk=submission.pk).values("pdf", "pdf_path").get()
    if row["pdf"] is not None:
        return bytes(row["pdf"])
    if row["pdf_path"]:
        with open(row["pdf_path"], "rb") as handle:
            return handle.read()
    return None


def panel_sign_off_record(version: PlanVersion) -> dict:
    """Who approved, the decision route, date and link. Statutory officers' comments and
    councillors' email addresses are left out: the panel sees the decision, not the discussion."""

    def build():
        record = sign_off_record_for_version(version)
        return {
            **record,
            "approvals": [
                {key: value for key, value in approval.items() if key != "email"}
                for approval in record["approvals"]
            ],
        }

    return panel_cached(("sign_off_record", version.pk), build)


_BLOCK = re.compile(r"<(p|li|h[2-4]|table|blockquote|pre)(?=[\s>])")


def with_paragraph_anchors(html: str, *, prefix: str) -> str:
    """Give each paragraph, list item, heading and table an id: the same content always gets
    the same ids, so a link to a paragraph of a sent version keeps working."""
    counter = iter(range(1, 100_000))
    return _BLOCK.sub(lambda match: f'<{match.group(1)} id="{prefix}-{next(counter)}"', html)


def panel_notes(*, user, plan: Plan) -> list[PanelNote]:
    return panel_cached(
        ("panel_notes", user.pk, plan.pk),
        lambda: list(
            PanelNote.objects.filter(permissions.panel_note_scope(user), plan_id=plan.pk)
            .select_related("author")
            .prefetch_related("revisions")
            .order_by("created_at", "pk")
        ),
    )


def panel_note(*, user, plan: Plan, note_id: int) -> PanelNote:
    queryset = PanelNote.objects.filter(permissions.panel_note_scope(user), plan_id=plan.pk)
    return get_object_or_404(queryset.select_related("author"), pk=note_id)


def panel_exports_for(*, user) -> QuerySet[PanelExport]:
    return PanelExport.objects.filter(permissions.panel_export_scope(user)).select_related("round")


def panel_export(*, user, export_id: int) -> PanelExport:
    return get_object_or_404(panel_exports_for(user=user), pk=export_id)


__all__ = [
    "TrackerCounts",
    "TrackerFilters",
    "panel_council_deadline",
    "panel_current_round",
    "panel_export",
    "panel_exports_for",
    "panel_note",
    "panel_notes",
    "panel_plan",
    "panel_round",
    "panel_rounds",
    "panel_sign_off_record",
    "panel_submission_for_version",
    "panel_submission_pdf",
    "panel_submissions",
    "panel_version_content",
    "tracker_councils",
    "tracker_counts",
    "tracker_table",
    "tracker_neighbours",
    "tracker_regions",
    "with_paragraph_anchors",
]
