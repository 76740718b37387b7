"""The panel's analysis pages: structured evidence across plans, the figures CSV, compare and
search. Panel members only (403 for everyone else signed in); counts and distributions only,
councils always alphabetical.
"""

import csv
from decimal import Decimal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from councils.models import Council
from plans import kpi as kpi_rules
from plans.content import FIGURE_LABELS
from plans.forms.analysis import CompareForm, SearchForm
from plans.markdown import render_markdown
from plans.models import TrackerStatus
from plans.models.evidence import ActionStatus, BarrierCategory
from plans.pdf.document import breakable
from plans.selectors import analysis as selectors
from plans.selectors import panel as panel_selectors
from plans.selectors.generation import panel_cached
from plans.views.kept import render_kept
from plans.views.panel import csv_cell, filter_removal_links, require_panel, tracker_filters


def _figure(value, unit: str) -> str:
    return "" if value is None else kpi_rules.format_value(Decimal(value), unit, exact=True)


def _figures_columns(themes) -> list[tuple[str, str, str]]:
    """The figures CSV's columns: (key, heading, what it holds)."""
    columns = [
        ("gss_code", "GSS code", "The council's GSS code."),
        ("council", "Council", "The council's official name."),
        ("tier", "Tier", "The council's tier."),
        ("region", "Region", "The council's region."),
        ("version", "Version", "The number of the latest version sent to the ministry."),
        ("version_reference", "Version reference", "The first 12 characters of its SHA-256."),
    ]
    for name, (label, unit) in FIGURE_LABELS.items():
        kind = {"percent": "a percentage", "pounds": "pounds", "hours": "hours"}.get(
            unit, "a number"
        )
        columns.append((name, label, f"As the plan gave it, in {kind}; empty when not given."))
    columns.append(("savings_total", "Savings committed (£)", "Every savings commitment, summed."))
    for theme in themes:
        columns.append(
            (
                f"savings_theme_{theme.number}",
                f"Savings (£): {theme.short_title}",
                f"The savings committed under theme {theme.number}; empty when none.",
            )
        )
    columns.append(
        (
            "barriers",
            "Barrier categories",
            "The categories of the barriers the plan names, separated by semicolons: "
            + "; ".join(BarrierCategory.labels)
            + ".",
        )
    )
    columns.append(("link", "Link", "The plan in the panel's reading room."))
    return columns


def _context(round_, filters, form) -> dict:
    return {
        "round": round_,
        "filters": filters,
        "form": form,
        "removals": filter_removal_links(filters),
        "tiers": Council.Tier.choices,
        "statuses": TrackerStatus.choices,
    }


@require_safe
def panel_analysis_evidence(request, round_slug):
    """Structured evidence across the filtered councils' sent plans, and the figures CSV's
    column dictionary."""
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)

    def build_context():
        form, filters = tracker_filters(request)
        return {
            **_context(round_, filters, form),
            "evidence": selectors.structured_evidence(
                user=request.user, round=round_, filters=filters
            ),
            "quartile_method": selectors.QUARTILE_METHOD,
            "columns": _figures_columns(list(round_.themes.order_by("number"))),
        }

    return render_kept(request, "plans/panel/analysis/evidence.html", (round_.pk,), build_context)


@require_safe
def panel_analysis_figures_csv(request, round_slug):
    """One row per filtered council with a sent plan: its spend figures, savings and barriers."""
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    _, filters = tracker_filters(request)
    themes = list(round_.themes.order_by("number"))
    columns = _figures_columns(themes)
    plans = selectors.sent_plans(user=request.user, round=round_, filters=filters, narratives=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="figures-{round_.slug}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([heading for _, heading, _ in columns])
    plan_url = request.build_absolute_uri(
        reverse("plans:panel_plan", args=[round_.slug, "GSS"])
    ).replace("GSS", "{}")
    tiers = dict(Council.Tier.choices)
    categories = dict(BarrierCategory.choices)
    for plan in plans:
        content = plan.content
        spend = content.get("spend_figures") or {}
        row = {
            "gss_code": plan.gss_code,
            "council": plan.name,
            "tier": tiers.get(plan.tier, plan.tier),
            "region": plan.region,
            "version": plan.version_number,
            "version_reference": plan.reference,
            **{name: spend.get(name) or "" for name in FIGURE_LABELS},
            "savings_total": content.get("savings_total") or "",
            "link": plan_url.format(plan.gss_code),
        }
        cited = []
        for theme in content.get("themes", []):
            amounts = [Decimal(s["amount"]) for s in theme.get("savings", []) if s.get("amount")]
            row[f"savings_theme_{theme['number']}"] = (
                f"{sum(amounts, Decimal(0)):f}" if amounts else ""
            )
            for barrier in theme.get("barriers", []):
                label = categories.get(barrier.get("category"), barrier.get("category_label", ""))
                if label not in cited:
                    cited.append(label)
        row["barriers"] = "; ".join(cited)
        writer.writerow([csv_cell(row.get(key, "")) for key, _, _ in columns])
    return response


def _compare_theme(theme: dict) -> dict:
    """One theme of one council's sent content, as the compare page shows it."""
    return {
        "html": breakable(render_markdown(theme.get("narrative", ""))),
        "kpis": [
            {
                "code": kpi.get("code", ""),
                "name": kpi.get("name", ""),
                "target": _figure(kpi.get("target"), kpi.get("unit", "")) or "Not given",
                "summary": kpi.get("summary", ""),
            }
            for kpi in theme.get("kpis", [])
        ],
        "actions": [
            {
                "kind": "Done" if key == "done" else "Will do",
                "description": action.get("description", ""),
                "status": _status(action.get("status", "")),
            }
            for key in ("done", "will_do")
            for action in theme.get(key, [])
        ],
        "savings": [
            {
                "description": saving.get("description", ""),
                "amount": _figure(saving.get("amount"), "pounds"),
                "period": saving.get("period")
                or f"{saving.get('start_year', '')} to {saving.get('end_year', '')}",
            }
            for saving in theme.get("savings", [])
        ],
        "barriers": theme.get("barriers", []),
    }


def _status(value: str) -> str:
    try:
        return ActionStatus(value).label
    except ValueError:
        return value.replace("_", " ").capitalize()


def _compare_columns(plans) -> list[dict]:
    """Theme by theme, each council's column (in the order the councils were chosen)."""
    themes: dict[int, dict] = {}
    for plan in plans:
        for theme in plan.content.get("themes", []):
            entry = themes.setdefault(
                theme["number"],
                {"number": theme["number"], "title": theme.get("title", ""), "councils": []},
            )
            entry["councils"].append({"plan": plan, **_compare_theme(theme)})
    return [themes[number] for number in sorted(themes)]


COLUMN_CLASSES = {2: "govuk-grid-column-one-half", 3: "govuk-grid-column-one-third",
                  4: "govuk-grid-column-one-quarter"}  # fmt: skip


@require_safe
def panel_analysis_compare(request, round_slug):
    """Two to four councils' sent plans side by side, theme by theme (GET: repeated council)."""
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)

    def build_context():
        councils = panel_cached(
            ("compare_councils", request.user.pk, round_.pk),
            lambda: selectors.submitted_councils(user=request.user, round=round_),
        )
        asked = "council" in request.GET
        form = CompareForm(request.GET if asked else None, councils=councils)
        themes, plans = [], []
        status = 200
        if asked and form.is_valid():
            plans = selectors.compare_plans(
                user=request.user, round=round_, gss_codes=list(form.cleaned_data["council"])
            )
            themes = _compare_columns(plans)
        elif asked:
            status = 400
        chosen = [code for code in request.GET.getlist("council") if code] if asked else []
        _, filters = tracker_filters(request)
        options = panel_cached(
            ("compare_options", request.user.pk, round_.pk),
            lambda: "".join(
                format_html('<option value="{}">{}</option>', code, name) for code, name in councils
            ),
        )
        return {
            "round": round_,
            "filters": filters,
            "form": form,
            "councils": councils,
            "slots": [
                (n, _selected(options, chosen[n - 1] if n <= len(chosen) else ""))
                for n in range(1, 5)
            ],
            "plans": plans,
            "themes": themes,
            "column_class": COLUMN_CLASSES.get(len(plans), "govuk-grid-column-full"),
            "status": status,
        }

    return render_kept(request, "plans/panel/analysis/compare.html", (round_.pk,), build_context)


def _selected(options: str, code: str):
    """The councils' options with `code` selected (the options are drawn once, unselected)."""
    if not code:
        return mark_safe(options)  # noqa: S308 (format_html above)
    value = format_html('value="{}">', code)
    return mark_safe(options.replace(value, value[:-1] + " selected>", 1))  # noqa: S308


def _page_links(page, params: list[tuple[str, str]]) -> dict:
    """GOV.UK pagination: the numbered pages (None for a gap) and previous and next links."""
    if page is None or page.paginator.num_pages < 2:
        return {"pages": [], "previous_link": "", "next_link": ""}

    def link(number) -> str:
        return urlencode([*params, ("page", number)])

    return {
        "pages": [
            {"number": number, "link": link(number) if isinstance(number, int) else ""}
            for number in page.paginator.get_elided_page_range(page.number, on_each_side=2)
        ],
        "previous_link": link(page.number - 1) if page.has_previous() else "",
        "next_link": link(page.number + 1) if page.has_next() else "",
    }


@require_safe
def panel_analysis_search(request, round_slug):
    """Full-text search of the sent plans, with the tracker's filters (GET: search, page)."""
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)

    def build_context():
        form, filters = tracker_filters(request)
        search_form = SearchForm(request.GET or None)
        query = search_form.cleaned_data["search"] if search_form.is_valid() else ""
        page = selectors.search_paragraphs(
            user=request.user,
            round=round_,
            filters=filters,
            query=query,
            page_number=request.GET.get("page"),
        )
        searched = [("search", query)] if query else []
        context = _context(round_, filters, form)
        # Removing a filter keeps the search words.
        context["removals"] = [
            (category, label, urlencode(searched) + ("&" + rest if rest and searched else rest))
            for category, label, rest in context["removals"]
        ]
        return {
            **context,
            **_page_links(page, [*searched, *filters.params()]),
            "search_form": search_form,
            "query": query,
            "page": page,
            "full_text": selectors.search_is_full_text(),
            "plan_query": filters.querystring,
        }

    return render_kept(request, "plans/panel/analysis/search.html", (round_.pk,), build_context)
