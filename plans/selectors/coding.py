"""Reads for the panel's codebook, coded extracts, matrix and co-occurrence.

Everything is scoped by `councils.permissions` (`code_scope`, `extract_scope`): only the panel
sees codes, extracts and memos. The matrix is three queries (councils, columns, counts) whatever
the number of councils, codes or extracts.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from councils import permissions
from councils.models import Council
from plans.models import Code, CodedExtract, CodeMemo, ExtractCode, PlanVersion, Round, Theme
from plans.paragraphs import Paragraph, paragraphs
from plans.pdf.document import narrative_html
from plans.selectors.panel import TrackerFilters, tracker_councils, with_paragraph_anchors

# --- Paragraphs of a version --------------------------------------------------------------------


def theme_anchor_prefix(number: int) -> str:
    return f"theme-{number}-p"


def version_theme_html(content: dict) -> dict[int, str]:
    """Each theme's narrative as the reading view shows it, with its paragraph anchors."""
    return {
        theme.get("number"): with_paragraph_anchors(
            narrative_html(theme.get("narrative", "")),
            prefix=theme_anchor_prefix(theme.get("number")),
        )
        for theme in content.get("themes", [])
    }


def version_paragraphs(version: PlanVersion) -> dict[str, Paragraph]:
    """Every codable paragraph of a version, by anchor."""
    found = {}
    for html in version_theme_html(version.content).values():
        found.update(paragraphs(html))
    return found


# --- The codebook -------------------------------------------------------------------------------


def _codes(user, round: Round) -> QuerySet[Code]:
    return Code.objects.filter(permissions.code_scope(user), round_id=round.pk)


def _extracts(user) -> QuerySet[CodedExtract]:
    return CodedExtract.objects.filter(permissions.extract_scope(user))


@dataclass
class CodeGroup:
    code: Code
    children: list[Code]


def _grouped(codes: list[Code]) -> list[CodeGroup]:
    """Top-level codes alphabetically, each with its children alphabetically."""
    by_parent = defaultdict(list)
    for code in codes:
        by_parent[code.parent_id].append(code)
    names = {code.pk for code in codes}
    groups = []
    for code in sorted(codes, key=lambda code: code.name.lower()):
        if code.parent_id is None or code.parent_id not in names:
            children = sorted(by_parent.get(code.pk, []), key=lambda child: child.name.lower())
            groups.append(CodeGroup(code=code, children=children))
    return groups


def codebook(*, user, round: Round) -> list[CodeGroup]:
    """The round's active codes grouped by parent, each with its number of extracts."""
    counts = (
        ExtractCode.objects.filter(code_id=OuterRef("pk"), extract__in=_extracts(user))
        .order_by()
        .values("code_id")
        .annotate(n=Count("extract_id"))
        .values("n")
    )
    codes = list(
        _codes(user, round)
        .filter(retired_at__isnull=True)
        .annotate(
            extract_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0),
        )
    )
    return _grouped(codes)


def code_name(*, code_id: int) -> str:
    """A code's name, for the label of a chosen "code" filter."""
    return Code.objects.filter(pk=code_id).values_list("name", flat=True).first() or "Unknown"


def retired_codes(*, user, round: Round) -> list[Code]:
    return list(
        _codes(user, round)
        .filter(retired_at__isnull=False)
        .select_related("merged_into")
        .order_by("name", "pk")
    )


def active_codes(*, user, round: Round) -> list[CodeGroup]:
    """The codes a passage may be given, grouped by parent (for the coding form)."""
    return _grouped(list(_codes(user, round).filter(retired_at__isnull=True)))


def code(*, user, round: Round, code_id: int) -> Code:
    return get_object_or_404(
        _codes(user, round).select_related("parent", "merged_into"), pk=code_id
    )


def code_memos(*, code: Code) -> list[CodeMemo]:
    """The memo's texts, latest (the memo) first."""
    return list(code.memos.select_related("author").order_by("-written_at", "-pk"))


def code_extracts(*, user, code: Code) -> list[CodedExtract]:
    """Every extract carrying the code, by council name then place in the plan."""
    return list(
        _extracts(user)
        .filter(codes=code)
        .select_related("plan__council", "plan__round", "version")
        .prefetch_related(Prefetch("codes", queryset=Code.objects.order_by("name")))
        .order_by("plan__council__name", "version__number", "theme_number", "paragraph", "start")
    )


@dataclass(frozen=True)
class CoOccurrence:
    code: Code
    passages: int
    plans: int


def code_cooccurrence(*, user, code: Code) -> list[CoOccurrence]:
    """The other codes applied to the same passages, and to the same plans, with how often:
    listed alphabetically by code name (counts shown, never a ranking)."""
    extracts = _extracts(user).filter(codes=code).values("pk")
    plans = _extracts(user).filter(codes=code).values("plan_id")
    scoped = ExtractCode.objects.filter(extract__in=_extracts(user)).exclude(code_id=code.pk)
    passages = dict(
        scoped.filter(extract_id__in=extracts)
        .order_by()
        .values("code_id")
        .annotate(n=Count("extract_id", distinct=True))
        .values_list("code_id", "n")
    )
    in_plans = dict(
        scoped.filter(extract__plan_id__in=plans)
        .order_by()
        .values("code_id")
        .annotate(n=Count("extract__plan_id", distinct=True))
        .values_list("code_id", "n")
    )
    codes = Code.objects.filter(pk__in=set(passages) | set(in_plans)).order_by("name", "pk")
    return [
        CoOccurrence(
            code=other, passages=passages.get(other.pk, 0), plans=in_plans.get(other.pk, 0)
        )
        for other in codes
    ]


# --- Extracts in the reading view --------------------------------------------------------------


def version_extracts(*, user, version: PlanVersion) -> dict[str, list[CodedExtract]]:
    """The version's extracts by paragraph anchor, each with its codes."""
    found = defaultdict(list)
    extracts = (
        _extracts(user)
        .filter(version_id=version.pk)
        .prefetch_related(Prefetch("codes", queryset=Code.objects.order_by("name")))
        .order_by("paragraph", "start", "pk")
    )
    for extract in extracts:
        found[extract.anchor].append(extract)
    return found


def extract(*, user, version: PlanVersion, extract_id: int) -> CodedExtract:
    return get_object_or_404(_extracts(user).filter(version_id=version.pk), pk=extract_id)


# --- Matrix and quotes --------------------------------------------------------------------------

MATRIX_BY = ("code", "theme")


@dataclass
class Matrix:
    by: str
    columns: list[dict]  # {"key", "label"}
    rows: list[dict]  # {"council": {...}, "cells": [int, ...], "total": int}
    tier_totals: list[dict]  # {"label", "cells"}
    region_totals: list[dict]
    totals: list[int]
    rows_html: str = ""  # the rows as the page draws them (views/coding.py)
    totals_html: str = ""  # and the totals rows


def _matrix_councils(*, user, round: Round, filters: TrackerFilters) -> list[dict]:
    """The submitted councils in the filter, alphabetically (never by a figure)."""
    return list(
        tracker_councils(user=user, round=round, filters=filters)
        .filter(first_sent_at__isnull=False)
        .values("pk", "gss_code", "name", "tier", "region")
        .order_by("name", "pk")
    )


def coding_matrix(*, user, round: Round, filters: TrackerFilters, by: str = "code") -> Matrix:
    """Councils × codes (or themes): the number of extracts in each cell, and totals per column
    by tier and by region. Three queries whatever the number of councils or extracts."""
    councils = _matrix_councils(user=user, round=round, filters=filters)
    council_ids = [council["pk"] for council in councils]
    extracts = _extracts(user).filter(plan__round_id=round.pk, plan__council_id__in=council_ids)
    if by == "theme":
        columns = [
            {"key": number, "label": f"{number}. {title}"}
            for number, title in Theme.objects.filter(round_id=round.pk)
            .order_by("number")
            .values_list("number", "short_title")
        ]
        counts = (
            extracts.order_by()
            .values_list("plan__council_id", "theme_number")
            .annotate(n=Count("pk"))
        )
    else:
        columns = [
            {"key": pk, "label": name}
            for pk, name in _codes(user, round)
            .filter(retired_at__isnull=True)
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        counts = (
            ExtractCode.objects.filter(extract__in=extracts, code__retired_at__isnull=True)
            .order_by()
            .values_list("extract__plan__council_id", "code_id")
            .annotate(n=Count("extract_id"))
        )
    cells = {(council_id, key): n for council_id, key, n in counts}
    keys = [column["key"] for column in columns]
    tiers = dict(Council.Tier.choices)
    rows, by_tier, by_region = [], {}, {}
    for council in councils:
        row_cells = [cells.get((council["pk"], key), 0) for key in keys]
        council["tier_label"] = tiers.get(council["tier"], council["tier"])
        rows.append({"council": council, "cells": row_cells, "total": sum(row_cells)})
        for groups, label in ((by_tier, council["tier_label"]), (by_region, council["region"])):
            sums = groups.setdefault(label, [0] * len(keys))
            for index, n in enumerate(row_cells):
                sums[index] += n
    totals = [sum(row["cells"][index] for row in rows) for index in range(len(keys))]
    return Matrix(
        by=by,
        columns=columns,
        rows=rows,
        tier_totals=[{"label": label, "cells": by_tier[label]} for label in sorted(by_tier)],
        region_totals=[{"label": label, "cells": by_region[label]} for label in sorted(by_region)],
        totals=totals,
    )


def quoted_extracts(
    *,
    user,
    round: Round,
    filters: TrackerFilters,
    gss_code: str = "",
    code_id: int | None = None,
    theme_number: int | None = None,
) -> QuerySet[CodedExtract]:
    """The extracts behind a matrix cell, column or the whole filter, by council then place."""
    councils = (
        tracker_councils(user=user, round=round, filters=filters)
        .filter(first_sent_at__isnull=False)
        .values("pk")
    )
    extracts = _extracts(user).filter(plan__round_id=round.pk, plan__council_id__in=councils)
    if gss_code:
        extracts = extracts.filter(plan__council__gss_code=gss_code)
    if code_id is not None:
        extracts = extracts.filter(codes__pk=code_id)
    if theme_number is not None:
        extracts = extracts.filter(theme_number=theme_number)
    return (
        extracts.select_related("plan__council", "version")
        .prefetch_related(
            Prefetch(
                "codes", queryset=Code.objects.filter(retired_at__isnull=True).order_by("name")
            )
        )
        .order_by("plan__council__name", "version__number", "theme_number", "paragraph", "start")
    )


def quote_council(*, gss_code: str) -> Council | None:
    return Council.objects.filter(gss_code=gss_code).first() if gss_code else None


def theme_titles(*, round: Round) -> dict[int, str]:
    return dict(Theme.objects.filter(round_id=round.pk).values_list("number", "short_title"))


def quote_code(*, user, round: Round, code_id: int | None) -> Code | None:
    if code_id is None:
        return None
    found = _codes(user, round).filter(pk=code_id).first()
    if found is None:
        raise Http404("No such code")
    return found


__all__ = [
    "CoOccurrence",
    "CodeGroup",
    "MATRIX_BY",
    "Matrix",
    "active_codes",
    "code",
    "code_cooccurrence",
    "code_extracts",
    "code_memos",
    "code_name",
    "codebook",
    "coding_matrix",
    "extract",
    "quote_code",
    "quote_council",
    "theme_titles",
    "quoted_extracts",
    "retired_codes",
    "theme_anchor_prefix",
    "version_extracts",
    "version_paragraphs",
    "version_theme_html",
]
