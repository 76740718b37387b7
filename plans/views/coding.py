"""The panel's codebook, coding, memos, matrix, quotes and the quotes CSV.

Signed-in users who are not on the panel get 403 on every page here; a panel member who is not a
panel lead gets 403 on the pages that change the codebook. A plan the panel may not read, or a
version that was never sent to the ministry, is a 404.
"""

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from councils import permissions
from councils.models import Council
from plans.forms.coding import CodeForm, CodeMemoForm, CodeMergeForm, PassageCodeForm
from plans.selectors import coding as selectors
from plans.selectors import panel as panel_selectors
from plans.services import coding as services
from plans.views.errors import add_service_errors
from plans.views.kept import render_kept
from plans.views.panel import csv_cell, filter_removal_links, tracker_filters

# The quotes CSV's columns and what each holds.
QUOTE_COLUMNS = [
    ("code", "Code", "The code given to the passage (one row per code)."),
    ("council", "Council", "The council's official name."),
    ("gss_code", "GSS code", "The council's GSS code."),
    ("tier", "Tier", "The council's tier."),
    ("region", "Region", "The council's region."),
    ("theme", "Theme", "The theme of the plan the passage is in."),
    ("version", "Version", "The submitted version the passage was coded in."),
    ("quote", "Quote", "The passage, in the council's own words."),
    ("link", "Link", "The passage in the panel's reading room."),
]


def require_panel(request) -> None:
    permissions.require(request.user, "panel_view", None)


def _require_lead(request, round_) -> None:
    permissions.require(request.user, "codebook_manage", round_)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _paragraph_url(extract, round_, *, absolute=None) -> str:
    """The exact paragraph of the version the extract was coded in."""
    url = reverse("plans:panel_plan", args=[round_.slug, extract.plan.council.gss_code])
    url = f"{url}?version={extract.version.number}#{extract.anchor}"
    return absolute(url) if absolute else url


# --- The codebook -------------------------------------------------------------------------------


@require_safe
def panel_codebook(request, round_slug):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    return render(
        request,
        "plans/panel/codebook.html",
        {
            "round": round_,
            "groups": selectors.codebook(user=request.user, round=round_),
            "retired": selectors.retired_codes(user=request.user, round=round_),
            "is_lead": permissions.can(request.user, "codebook_manage", round_),
        },
    )


@require_safe
def panel_code(request, round_slug, code_id):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    code = selectors.code(user=request.user, round=round_, code_id=code_id)
    extracts = selectors.code_extracts(user=request.user, code=code)
    for extract in extracts:
        extract.url = _paragraph_url(extract, round_)
    memos = selectors.code_memos(code=code)
    return render(
        request,
        "plans/panel/code.html",
        {
            "round": round_,
            "code": code,
            "memo": memos[0] if memos else None,
            "memo_history": memos[1:],
            "extracts": extracts,
            "councils": len({extract.plan.council_id for extract in extracts}),
            "cooccurrence": selectors.code_cooccurrence(user=request.user, code=code),
            "is_lead": permissions.can(request.user, "codebook_manage", code),
        },
    )


def _code_form_page(request, round_, form, *, code=None, status=200):
    return render(
        request,
        "plans/panel/code_edit.html",
        {"round": round_, "code": code, "form": form},
        status=status,
    )


def _parent(request, round_, form):
    parent_id = form.cleaned_data.get("parent")
    if parent_id is None:
        return None
    return selectors.code(user=request.user, round=round_, code_id=parent_id)


def panel_code_add(request, round_slug):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    _require_lead(request, round_)
    parents = selectors.active_codes(user=request.user, round=round_)
    form = CodeForm(request.POST or None, parents=parents, submit="Add code")
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            code = services.code_add(
                user=request.user,
                round=round_,
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                parent=_parent(request, round_, form),
            )
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            messages.success(request, f"“{code.name}” has been added to the codebook.")
            return redirect("plans:panel_code", round_slug=round_.slug, code_id=code.pk)
    return _code_form_page(request, round_, form, status=status)


def panel_code_edit(request, round_slug, code_id):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    code = selectors.code(user=request.user, round=round_, code_id=code_id)
    _require_lead(request, round_)
    parents = [
        group
        for group in selectors.active_codes(user=request.user, round=round_)
        if group.code.pk != code.pk
    ]
    initial = {"name": code.name, "definition": code.definition, "parent": code.parent_id}
    form = CodeForm(request.POST or None, initial=initial, parents=parents, submit="Save code")
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.code_edit(
                user=request.user,
                code=code,
                name=form.cleaned_data["name"],
                definition=form.cleaned_data["definition"],
                parent=_parent(request, round_, form),
            )
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            messages.success(request, "The code has been changed.")
            return redirect("plans:panel_code", round_slug=round_.slug, code_id=code.pk)
    return _code_form_page(request, round_, form, code=code, status=status)


def panel_code_merge(request, round_slug, code_id):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    code = selectors.code(user=request.user, round=round_, code_id=code_id)
    _require_lead(request, round_)
    codes = selectors.active_codes(user=request.user, round=round_)
    form = CodeMergeForm(request.POST or None, codes=codes, exclude=code.pk)
    status = 200
    if request.method == "POST" and form.is_valid():
        into = selectors.code(user=request.user, round=round_, code_id=form.cleaned_data["into"])
        try:
            services.code_merge(user=request.user, code=code, into=into)
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            messages.success(request, f"“{code.name}” has been merged into “{into.name}”.")
            return redirect("plans:panel_code", round_slug=round_.slug, code_id=into.pk)
    return render(
        request,
        "plans/panel/code_merge.html",
        {"round": round_, "code": code, "form": form},
        status=status,
    )


def panel_code_retire(request, round_slug, code_id):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    code = selectors.code(user=request.user, round=round_, code_id=code_id)
    _require_lead(request, round_)
    error = None
    status = 200
    if request.method == "POST":
        try:
            services.code_retire(user=request.user, code=code)
        except ValidationError as refusal:
            error = refusal.messages[0]
            status = 409
        else:
            messages.success(request, f"“{code.name}” has been retired.")
            return redirect("plans:panel_codebook", round_slug=round_.slug)
    return render(
        request,
        "plans/panel/code_retire.html",
        {"round": round_, "code": code, "error": error},
        status=status,
    )


def panel_code_memo(request, round_slug, code_id):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    code = selectors.code(user=request.user, round=round_, code_id=code_id)
    permissions.require(request.user, "code_memo_edit", code)
    memos = selectors.code_memos(code=code)
    initial = {"text": memos[0].text if memos else ""}
    form = CodeMemoForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.code_memo_save(user=request.user, code=code, text=form.cleaned_data["text"])
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            messages.success(request, "The memo has been saved.")
            return redirect("plans:panel_code", round_slug=round_.slug, code_id=code.pk)
    return render(
        request,
        "plans/panel/code_memo.html",
        {"round": round_, "code": code, "form": form},
        status=400 if form.errors and status == 200 else status,
    )


# --- Coding a passage ---------------------------------------------------------------------------


def _submitted_version(request, plan, number):
    """The version `number` of the plan if it was sent to the ministry, else 404."""
    submissions = panel_selectors.panel_submissions(user=request.user, plan=plan)
    submission = panel_selectors.panel_submission_for_version(submissions, number)
    return panel_selectors.panel_version_content(submission=submission)


def panel_code_passage(request, round_slug, gss_code):
    """Code a whole paragraph (the link beside it) or a selected range (the script's button)."""
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    plan = panel_selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    data = request.POST if request.method == "POST" else request.GET
    number = _int(data.get("version"))
    if number is None:
        raise Http404("Choose a submitted version")
    version = _submitted_version(request, plan, number)
    paragraph = selectors.version_paragraphs(version).get(data.get("anchor", ""))
    if paragraph is None:
        raise Http404("No such paragraph in this version")
    groups = selectors.active_codes(user=request.user, round=round_)
    form = PassageCodeForm(
        request.POST if request.method == "POST" else None,
        initial={key: data.get(key) for key in ("version", "anchor", "start", "end", "quote")},
        codes=groups,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = set(form.cleaned_data["codes"])
            codes = [
                code for group in groups for code in [group.code, *group.children]
                if code.pk in chosen
            ]  # fmt: skip
            try:
                services.extract_code(
                    user=request.user,
                    plan=plan,
                    version=version,
                    anchor=paragraph.anchor,
                    codes=codes,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    quote=form.cleaned_data["quote"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The passage has been coded.")
                url = reverse("plans:panel_plan", args=[round_.slug, gss_code])
                return redirect(f"{url}?version={version.number}#{paragraph.anchor}")
    is_span = _int(data.get("start")) is not None
    quote = data.get("quote", "") if is_span else paragraph.text
    chosen = {str(value) for value in (form["codes"].value() or [])}
    return render(
        request,
        "plans/panel/code_passage.html",
        {
            "round": round_,
            "plan": plan,
            "version": version,
            "paragraph": paragraph,
            "quote": quote,
            "is_span": is_span,
            "form": form,
            "groups": groups,
            "chosen": chosen,
        },
        status=status,
    )


@require_POST
def panel_extract_code_remove(request, round_slug, gss_code, extract_id, code_id):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    plan = panel_selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    version = _submitted_version(request, plan, _int(request.POST.get("version")) or 0)
    extract = selectors.extract(user=request.user, version=version, extract_id=extract_id)
    code = selectors.code(user=request.user, round=round_, code_id=code_id)
    services.extract_code_remove(user=request.user, extract=extract, code=code)
    messages.success(request, f"“{code.name}” has been taken off the passage.")
    url = reverse("plans:panel_plan", args=[round_.slug, gss_code])
    return redirect(f"{url}?version={version.number}#{extract.anchor}")


# --- Matrix, quotes and the quotes CSV ----------------------------------------------------------


# Styled by the table's class (`.app-matrix` in app.scss) rather than a class on each of the
# 12,680 cells: the classes alone would be a third of the page.
_CELL = "<td>{}</td>"
_CELL_LINK = '<a href="{}">{}<span class="govuk-visually-hidden"> passage{}</span></a>'


def _matrix_cells(counts: list[int], urls: list[str]) -> str:
    """A row's cells as HTML, built here rather than by the template engine: 317 councils by
    40 codes is 12,680 cells, which a template loop renders ten times slower. Every value is a
    number or an escaped URL."""
    return mark_safe(  # noqa: S308 (integers and escaped URLs only)
        "".join(
            _CELL.format(_CELL_LINK.format(escape(url), n, "" if n == 1 else "s") if n else "0")
            for n, url in zip(counts, urls, strict=True)
        )
    )


def _matrix_with_links(user, round_, filters, by):
    """The matrix with every link it shows: its columns' quotes, and each row's drawn cells."""
    matrix = selectors.coding_matrix(user=user, round=round_, filters=filters, by=by)
    key = "cell_code" if by == "code" else "theme"
    base = filters.params()
    quotes = reverse("plans:panel_quotes", args=[round_.slug])
    for column in matrix.columns:
        column["url"] = f"{quotes}?{urlencode([*base, (key, column['key'])])}"
    plan_url = reverse("plans:panel_plan", args=[round_.slug, "GSS"]).replace("GSS", "{}")
    for row in matrix.rows:
        gss = row["council"]["gss_code"]
        query = urlencode([*base, ("council", gss)])
        row["cells_html"] = _matrix_cells(
            row["cells"], [f"{quotes}?{query}&{key}={column['key']}" for column in matrix.columns]
        )
        row["url"] = plan_url.format(gss)
    # The rows drawn here too, once per state of the data: a template loop over 317 rows costs
    # more than the page's other parts together.
    matrix.rows_html = mark_safe(  # noqa: S308 (format_html escapes; cells as above)
        "".join(
            format_html(
                '<tr class="govuk-table__row" data-gss="{}"><th scope="row" '
                'class="govuk-table__header"><a class="govuk-link" href="{}">{}</a><br><span '
                'class="govuk-body-s govuk-!-font-weight-regular">{}, {}</span></th>{}</tr>\n',
                row["council"]["gss_code"],
                row["url"],
                row["council"]["name"],
                row["council"]["tier_label"],
                row["council"]["region"],
                row["cells_html"],
            )  # fmt: skip
            for row in matrix.rows
        )
    )
    matrix.totals_html = mark_safe(  # noqa: S308 (format_html escapes; the rest are integers)
        _total_row("All councils shown", matrix.totals, bold=True)
        + "".join(
            _total_row(f"{total['label']}s", total["cells"], kind="tier")
            for total in matrix.tier_totals
        )
        + "".join(
            _total_row(total["label"], total["cells"], kind="region")
            for total in matrix.region_totals
        )
    )
    return matrix


def _total_row(label: str, counts: list[int], *, kind: str = "", bold: bool = False) -> str:
    cell = (
        '<td class="govuk-table__cell govuk-table__cell--numeric"><strong>{}</strong></td>'
        if bold
        else '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    )
    return format_html(
        '<tr class="govuk-table__row"{}><th scope="row" class="govuk-table__header">{}</th>'
        "{}</tr>\n",
        format_html(' data-total="{}"', kind) if kind else "",
        label,
        mark_safe("".join(cell.format(int(n)) for n in counts)),  # noqa: S308 (integers)
    )


# The matrix's column choices (the selectors' MATRIX_BY), labelled.
MATRIX_COLUMNS = [
    (by, {"code": "Codes", "theme": "The four themes"}[by]) for by in selectors.MATRIX_BY
]


def _matrix_by(request) -> str:
    by = request.GET.get("by", "code")
    return by if by in selectors.MATRIX_BY else "code"


@require_safe
def panel_matrix(request, round_slug):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)

    def build_context():
        form, filters = tracker_filters(request)
        by = _matrix_by(request)
        return {
            "round": round_,
            "form": form,
            "filters": filters,
            "removals": filter_removal_links(filters),
            "matrix": _matrix_with_links(request.user, round_, filters, by),
            "by": by,
            "columns": MATRIX_COLUMNS,
            "codes": selectors.active_codes(user=request.user, round=round_),
            "tiers": Council.Tier.choices,
            "statuses": panel_selectors.TrackerStatus.choices,
            "csv_url": reverse("plans:panel_quotes_csv", args=[round_.slug])
            + (f"?{filters.querystring}" if filters.querystring else ""),
        }

    # The 12,680 cells (about 1 MB) are drawn once per state of the data and filters.
    return render_kept(request, "plans/panel/matrix.html", (round_.pk,), build_context)


def _quotes(request, round_):
    _, filters = tracker_filters(request)
    # A cell's or column's code; without one, the filter's code (councils with it) is the code.
    code_id = _int(request.GET.get("cell_code"))
    code_id = filters.code if code_id is None else code_id
    theme = _int(request.GET.get("theme"))
    gss_code = request.GET.get("council", "")
    code = selectors.quote_code(user=request.user, round=round_, code_id=code_id)
    extracts = selectors.quoted_extracts(
        user=request.user,
        round=round_,
        filters=filters,
        gss_code=gss_code,
        code_id=code.pk if code else None,
        theme_number=theme,
    )
    return filters, code, theme, gss_code, extracts


@require_safe
def panel_quotes(request, round_slug):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    filters, code, theme, gss_code, extracts = _quotes(request, round_)
    extracts = list(extracts)
    for extract in extracts:
        extract.url = _paragraph_url(extract, round_)
    council = selectors.quote_council(gss_code=gss_code)
    theme_title = selectors.theme_titles(round=round_).get(theme)
    matrix_url = reverse("plans:panel_matrix", args=[round_.slug])
    params = [(key, value) for key, value in filters.params() if key != "code"]
    if theme is not None:
        params.append(("by", "theme"))
    return render(
        request,
        "plans/panel/quotes.html",
        {
            "round": round_,
            "filters": filters,
            "code": code,
            "theme": theme,
            "theme_title": theme_title,
            "council": council,
            "extracts": extracts,
            "matrix_url": f"{matrix_url}?{urlencode(params)}" if params else matrix_url,
            "csv_url": reverse("plans:panel_quotes_csv", args=[round_.slug])
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
        },
    )


@require_safe
def panel_quotes_csv(request, round_slug):
    require_panel(request)
    round_ = panel_selectors.panel_round(slug=round_slug)
    _, code, _, _, extracts = _quotes(request, round_)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="quotes-{round_.slug}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([label for _, label, _ in QUOTE_COLUMNS])
    themes = selectors.theme_titles(round=round_)
    for extract in extracts:
        council = extract.plan.council
        for applied in extract.codes.all():
            if code is not None and applied.pk != code.pk:
                continue
            row = {
                "code": applied.name,
                "council": council.name,
                "gss_code": council.gss_code,
                "tier": council.get_tier_display(),
                "region": council.region,
                "theme": f"{extract.theme_number}. {themes.get(extract.theme_number, '')}",
                "version": extract.version.number,
                "quote": extract.quote,
                "link": _paragraph_url(extract, round_, absolute=request.build_absolute_uri),
            }
            writer.writerow([csv_cell(row[key]) for key, _, _ in QUOTE_COLUMNS])
    return response
