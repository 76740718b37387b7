"""The ministry panel's pages: the tracker of every council, the reading room, notes, exports.

Signed-in users who are not on the panel get 403 on every panel page; a plan the panel may not
read (nothing sent yet) or another user's export is a 404.
"""

import csv
import io
import os
from collections import namedtuple
from functools import lru_cache
from urllib.parse import urlencode

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from councils import permissions
from councils.models import Council
from plans.diff import diff_contents
from plans.forms.panel import PanelNoteForm, TrackerFilterForm
from plans.models import PanelExport, TrackerStatus
from plans.paragraphs import insert_after_blocks, paragraphs
from plans.pdf.document import document_context
from plans.selectors import coding as coding_selectors
from plans.selectors import panel as selectors
from plans.selectors.generation import panel_cached
from plans.services import panel as services
from plans.templatetags.govuk import govuk_date
from plans.views.kept import CSRF_PLACEHOLDER, render_kept

# The tracker's CSV columns and what each holds (shown on the export page).
CSV_COLUMNS = [
    ("gss_code", "GSS code", "The council's GSS code, for example E07000109."),
    ("council", "Council", "The council's official name."),
    ("tier", "Tier", "County, district, unitary, metropolitan borough or London borough."),
    ("region", "Region", "The council's region."),
    ("status", "Status", "Where the council stands: " + ", ".join(TrackerStatus.labels) + "."),
    ("submitted_at", "Date submitted", "When the first version reached the ministry (UK time)."),
    ("latest_submitted_at", "Latest version submitted", "When the latest correction was sent."),
    ("pages", "Pages", "Pages in the latest sent PDF."),
    ("deadline", "Deadline", "The council's own deadline: the round's, or its extension."),
    ("extension_until", "Extension until", "The extended deadline, if one was granted."),
    ("extension_reason", "Extension reason", "Why the extension was granted."),
    ("version_reference", "Version reference", "The first 12 characters of the SHA-256."),
    ("link", "Link", "The plan in the panel's reading room."),
]
# Spreadsheets treat cells starting with these as formulas.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def require_panel(request) -> None:
    permissions.require(request.user, "panel_view", None)


def tracker_filters(request):
    form = TrackerFilterForm(request.GET or None, regions=selectors.tracker_regions())
    return form, form.filters()


def filter_removal_links(filters) -> list[tuple[str, str, str]]:
    """Each chosen filter as (category, label, querystring without it), for removing it."""
    params = filters.params()
    labels = {
        "q": lambda value: f"“{value}”",
        "tier": lambda value: Council.Tier(value).label,
        "region": lambda value: value,
        "status": lambda value: TrackerStatus(value).label,
        "submitted": lambda value: "Submitted" if value == "yes" else "Not submitted yet",
        "code": lambda value: coding_selectors.code_name(code_id=int(value)),
    }
    categories = {
        "q": "Search",
        "tier": "Tier",
        "region": "Region",
        "status": "Status",
        "submitted": "Submitted",
        "code": "Coded with",
    }
    links = []
    for index, (key, value) in enumerate(params):
        if key not in labels:
            continue
        rest = params[:index] + params[index + 1 :]
        links.append((categories[key], labels[key](value), urlencode(rest)))
    return links


@require_safe
def panel_home(request):
    require_panel(request)
    round_ = selectors.panel_current_round(request.user)
    if round_ is None:
        return render(request, "plans/panel/no_round.html")
    return redirect("plans:panel_tracker", round_slug=round_.slug)


# Each status's tag colour (the labels are the model's).
STATUS_TAGS = {
    TrackerStatus.NOT_STARTED: "govuk-tag--grey",
    TrackerStatus.DRAFTING: "govuk-tag--light-blue",
    TrackerStatus.AWAITING_SIGN_OFF: "govuk-tag--yellow",
    TrackerStatus.APPROVED: "govuk-tag--purple",
    TrackerStatus.EXTENSION: "govuk-tag--orange",
    TrackerStatus.SUBMITTED_ON_TIME: "govuk-tag--green",
    TrackerStatus.SUBMITTED_LATE: "govuk-tag--red",
}


# The values each tracker row is drawn from, in the order `_tracker_row` takes them.
TRACKER_ROW_VALUES = (
    "gss_code",
    "name",
    "latest_submission_id",
    "is_read",
    "tier",
    "region",
    "tracker_status",
    "extension_until",
    "first_sent_at",
    "pages",
    "deadline",
)
TrackerRow = namedtuple("TrackerRow", TRACKER_ROW_VALUES)


def _tracker_rows_html(rows, round_, filters) -> str:
    """The table's rows as HTML. A row is a pure function of its values, so each distinct row
    is drawn once per process and reused: 317 rows cost one query and a join, not 317 template
    renders. The cache can never be stale; a changed value is a different key."""
    query = f"?{filters.querystring}" if filters.querystring else ""
    plan_url = reverse("plans:panel_plan", args=[round_.slug, "GSS"]).replace("GSS", "{}")
    return mark_safe("".join(_tracker_row(plan_url, query, *values) for values in rows))  # noqa: S308


@lru_cache(maxsize=4096)
def _tracker_row(
    plan_url, query, gss_code, name, submission_id, is_read, tier, region, status,
    extension_until, first_sent_at, pages, deadline,
) -> str:  # fmt: skip
    status = TrackerStatus(status)
    label = status.label
    if status == TrackerStatus.EXTENSION:
        label = f"Extension granted until {govuk_date(extension_until)}"
    if submission_id:
        council = format_html(
            '<a class="govuk-link" href="{}">{}</a> {}',
            plan_url.format(gss_code) + query,
            name,
            READ_MARK if is_read else UNREAD_TAG,
        )
    else:
        council = format_html("{}", name)
    return format_html(
        '<tr class="govuk-table__row" data-gss="{gss}"><th scope="row" class="govuk-table__header">'
        '{council}<br><span class="govuk-body-s govuk-!-font-weight-regular">{gss}</span></th>'
        '<td class="govuk-table__cell">{tier}</td><td class="govuk-table__cell">{region}</td>'
        '<td class="govuk-table__cell"><strong class="govuk-tag {tag}">{status}</strong></td>'
        '<td class="govuk-table__cell">{submitted}</td>'
        '<td class="govuk-table__cell govuk-table__cell--numeric">{pages}</td>'
        '<td class="govuk-table__cell">{deadline}</td></tr>\n',
        gss=gss_code,
        council=council,
        tier=TIER_LABELS.get(tier, tier),
        region=region,
        tag=STATUS_TAGS[status],
        status=label,
        submitted=govuk_date(first_sent_at),
        pages="" if pages is None else pages,
        deadline=govuk_date(deadline),
    )


READ_MARK = mark_safe('<span class="govuk-body-s govuk-!-font-weight-regular">(read)</span>')
UNREAD_TAG = mark_safe('<strong class="govuk-tag govuk-tag--blue">Unread</strong>')
TIER_LABELS = dict(Council.Tier.choices)


@require_safe
def panel_tracker(request, round_slug):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    # The rows show which plans this user has read: the page is kept per set of them.
    read = selectors.panel_read_plans(user=request.user, round=round_)

    def build_context():
        form, filters = tracker_filters(request)
        rows, counts = selectors.tracker_table(
            user=request.user,
            round=round_,
            filters=filters,
            columns=TRACKER_ROW_VALUES,
            read=read,
        )
        return {
            "round": round_,
            "rounds": selectors.panel_rounds(),
            "form": form,
            "filters": filters,
            "removals": filter_removal_links(filters),
            "councils": [TrackerRow(*row) for row in rows],
            "has_rows": bool(rows),
            "rows_html": _tracker_rows_html(rows, round_, filters),
            "counts": counts,
            "tiers": Council.Tier.choices,
            "statuses": TrackerStatus.choices,
        }

    return render_kept(request, "plans/panel/tracker.html", (round_.pk, read), build_context)


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@require_safe
def panel_tracker_csv(request, round_slug):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    _, filters = tracker_filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tracker-{round_.slug}-{stamp}.csv"'
    plan_url = request.build_absolute_uri(
        reverse("plans:panel_plan", args=[round_.slug, "GSS"])
    ).replace("GSS", "{}")
    response.write(
        panel_cached(
            ("tracker_csv", request.user.pk, round_.pk, filters, plan_url),
            lambda: _tracker_csv_text(request.user, round_, filters, plan_url),
        )
    )
    return response


def _tracker_csv_text(user, round_, filters, plan_url) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([label for _, label, _ in CSV_COLUMNS])
    writer.writerows(_tracker_csv_rows(user, round_, filters, plan_url))
    return text.getvalue()


def _tracker_csv_rows(user, round_, filters, plan_url) -> list[list[str]]:
    councils = selectors.tracker_councils(user=user, round=round_, filters=filters)
    values = councils.values(
        "gss_code", "name", "tier", "region", "tracker_status", "first_sent_at",
        "latest_sent_at", "latest_submission_id", "pages", "deadline", "extension_until",
        "extension_reason", "version_reference",
    )  # fmt: skip
    rows = []
    for council in values:
        row = {
            "gss_code": council["gss_code"],
            "council": council["name"],
            "tier": TIER_LABELS.get(council["tier"], council["tier"]),
            "region": council["region"],
            "status": TrackerStatus(council["tracker_status"]).label,
            "submitted_at": _local(council["first_sent_at"]),
            "latest_submitted_at": _local(council["latest_sent_at"]),
            "pages": council["pages"],
            "deadline": _local(council["deadline"]),
            "extension_until": _local(council["extension_until"]),
            "extension_reason": council["extension_reason"],
            "version_reference": (council["version_reference"] or "")[:12],
            "link": plan_url.format(council["gss_code"]) if council["latest_submission_id"] else "",
        }
        rows.append([csv_cell(row[key]) for key, _, _ in CSV_COLUMNS])
    return rows


@require_safe
def panel_export(request, round_slug):
    """The export page: the CSV, its column dictionary, and the ZIP of PDFs."""
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    form, filters = tracker_filters(request)
    councils = selectors.tracker_councils(user=request.user, round=round_, filters=filters)
    return render(
        request,
        "plans/panel/export.html",
        {
            "round": round_,
            "filters": filters,
            "removals": filter_removal_links(filters),
            "counts": selectors.tracker_counts(councils=councils, round=round_),
            "columns": CSV_COLUMNS,
            "exports": selectors.panel_exports_for(user=request.user)[:5],
        },
    )


@require_POST
def panel_export_create(request, round_slug):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    _, filters = tracker_filters(request)
    export = services.panel_export_request(user=request.user, round=round_, filters=filters)
    return redirect("plans:panel_export_detail", export_id=export.pk)


def _export_context(export) -> dict:
    return {
        "export": export,
        "expired": bool(export.expires_at and export.expires_at <= timezone.now()),
    }


@require_safe
def panel_export_detail(request, export_id):
    require_panel(request)
    export = selectors.panel_export(user=request.user, export_id=export_id)
    return render(request, "plans/panel/export_detail.html", _export_context(export))


@require_safe
def panel_export_status(request, export_id):
    """What the progress block polls (the same shape as the submission status JSON)."""
    require_panel(request)
    export = selectors.panel_export(user=request.user, export_id=export_id)
    html = render_to_string(
        "plans/panel/_export_status.html", _export_context(export), request=request
    )
    return JsonResponse(
        {
            "status": export.status,
            "attempts": export.done,
            "next_retry_at": export.total,
            "finished": export.is_finished,
            "done": export.done,
            "total": export.total,
            "html": html,
        }
    )


@require_safe
def panel_export_download(request, export_id):
    require_panel(request)
    export = selectors.panel_export(user=request.user, export_id=export_id)
    permissions.require(request.user, "panel_export_download", export)
    if (
        export.status != PanelExport.Status.READY
        or export.expires_at <= timezone.now()
        or not os.path.exists(export.file_path)
    ):
        raise Http404("This export is not ready or has expired")
    filename = f"productivity-plans-{export.round.slug}-{export.pk}.zip"
    return FileResponse(
        open(export.file_path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=True,
        filename=filename,
        content_type="application/zip",
    )


# --- The reading room --------------------------------------------------------------------------


def _version_number(request) -> int | None:
    try:
        return int(request.GET["version"])
    except (KeyError, ValueError):
        return None


def _paragraph_controls(paragraph, code_url: str, extracts_html: str) -> str:
    """What follows one paragraph: its coded extracts (already rendered) and the link to code
    it (drawn here, not by a template: a plan has a hundred paragraphs)."""
    kind = "list item" if paragraph.tag == "li" else "paragraph"
    return format_html(
        '<div class="app-coding govuk-!-margin-bottom-4" data-coding-for="{}">{}'
        '<p class="govuk-body-s govuk-!-margin-bottom-0"><a class="govuk-link" href="{}" '
        "data-code-link>Code this {}<span class=\"govuk-visually-hidden\"> (theme {}, block {})"
        "</span></a></p></div>",
        paragraph.anchor, mark_safe(extracts_html), code_url, kind,  # noqa: S308 (rendered)
        paragraph.theme_number, paragraph.index,
    )  # fmt: skip


def _with_coding_controls(round_, plan, version, html, extracts) -> str:
    """After each paragraph: its coded extracts (codes as tags, each removable) and a "Code this
    paragraph" link. They go after the paragraph's block, outside it, so the paragraph's text
    (and the character ranges the coding script measures in it) stays the version's own."""
    code_url = reverse("plans:panel_code_passage", args=[round_.slug, plan.council.gss_code])
    code_url += f"?version={version.number}&anchor="
    template = get_template("plans/panel/_paragraph_extracts.html")
    snippets = {}
    for anchor, paragraph in paragraphs(html).items():
        if not paragraph.text.strip():
            continue
        coded = extracts.get(anchor)
        listed = (
            template.render(
                {"round": round_, "plan": plan, "version": version, "paragraph": paragraph,
                 "extracts": coded, "csrf_token": CSRF_PLACEHOLDER},
            )
            if coded
            else ""
        )  # fmt: skip
        snippets[anchor] = _paragraph_controls(paragraph, code_url + anchor, listed)
    return mark_safe(insert_after_blocks(html, snippets))  # noqa: S308 (sanitised and escaped)


def _reading_document(request, round_, plan, submission):
    """The sent version, its document drawn with every paragraph's coding controls, and its
    KPIs: kept until the panel's data changes (a version never changes; its extracts may)."""

    def build():
        version = selectors.panel_version_content(submission=submission)
        document = document_context(
            content=version.content,
            reference=version.reference,
            sha256=version.sha256,
            sign_off={},
        )
        extracts = coding_selectors.version_extracts(user=request.user, version=version)
        for theme in document["themes"]:
            html = selectors.with_paragraph_anchors(
                theme["html"], prefix=coding_selectors.theme_anchor_prefix(theme["number"])
            )
            theme["html"] = _with_coding_controls(round_, plan, version, html, extracts)
        kpis = [kpi for theme in document["themes"] for kpi in theme["kpis"]]
        drawn = render_to_string(
            "plans/includes/plan_document.html", {"document": document, "kpis": kpis}
        )
        return version, document, kpis, drawn

    return panel_cached(("reading", request.user.pk, round_.pk, plan.pk, submission.pk), build)


@lru_cache(maxsize=1)
def _empty_note_form_html() -> str:
    # The page's form carries the CSRF token; crispy's own copy of it is left out.
    form = PanelNoteForm()
    form.helper.disable_csrf = True
    return mark_safe(render_crispy_form(form))  # noqa: S308 (crispy's own rendering)


def _reading_context(request, round_, plan, submissions, submission, filters) -> dict:
    """The reading page's context. The drawn document holds CSRF_PLACEHOLDER where the reader's
    token goes (`render_kept` puts it in)."""
    version, document, kpis, drawn = _reading_document(request, round_, plan, submission)
    document = {**document, "sign_off": selectors.panel_sign_off_record(version)}
    previous, following, position, total = selectors.tracker_neighbours(
        user=request.user, round=round_, filters=filters, gss_code=plan.council.gss_code
    )
    deadline = selectors.panel_council_deadline(plan=plan)
    return {
        "round": round_,
        "plan": plan,
        "submission": submission,
        "submissions": submissions,
        "version": version,
        "document": document,
        "document_html": mark_safe(drawn),  # noqa: S308 (rendered by the template engine)
        "kpis": kpis,
        "deadline": deadline,
        "is_late": submission.sent_at > deadline,
        "filters": filters,
        "previous": previous,
        "following": following,
        "position": position,
        "list_total": total,
        "notes": selectors.panel_notes(user=request.user, plan=plan),
        "note_form": PanelNoteForm(),
        # The empty form is the same for every plan: drawn once per process.
        "note_form_html": _empty_note_form_html(),
    }


@require_safe
def panel_plan(request, round_slug, gss_code):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    plan = selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    submissions = selectors.panel_submissions(user=request.user, plan=plan)
    submission = selectors.panel_submission_for_version(submissions, _version_number(request))
    services.panel_mark_read(
        user=request.user, plan=plan, latest_sent_at=max(s.sent_at for s in submissions)
    )

    def build_context():
        _, filters = tracker_filters(request)
        return _reading_context(request, round_, plan, submissions, submission, filters)

    return render_kept(
        request, "plans/panel/plan.html", (round_.pk, plan.pk, submission.pk), build_context
    )


@require_safe
def panel_plan_pdf(request, round_slug, gss_code):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    plan = selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    submissions = selectors.panel_submissions(user=request.user, plan=plan)
    submission = selectors.panel_submission_for_version(submissions, _version_number(request))
    pdf = selectors.panel_submission_pdf(submission=submission)
    if pdf is None:
        raise Http404("No PDF")
    filename = f"{gss_code}-{round_slug}-version-{submission.version.number}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def panel_plan_compare(request, round_slug, gss_code):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    plan = selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    submissions = selectors.panel_submissions(user=request.user, plan=plan)
    numbers = []
    for key in ("from", "to"):
        try:
            numbers.append(int(request.GET[key]))
        except (KeyError, ValueError):
            raise Http404("Choose two sent versions") from None
    before = selectors.panel_submission_for_version(submissions, min(numbers))
    after = selectors.panel_submission_for_version(submissions, max(numbers))
    older = selectors.panel_version_content(submission=before)
    newer = selectors.panel_version_content(submission=after)
    _, filters = tracker_filters(request)
    return render(
        request,
        "plans/panel/compare.html",
        {
            "round": round_,
            "plan": plan,
            "before": before,
            "after": after,
            "filters": filters,
            "diff": diff_contents(older.content, newer.content),
        },
    )


def _back_to_plan(request, round_slug, gss_code, anchor=""):
    url = reverse("plans:panel_plan", args=[round_slug, gss_code])
    query = request.GET.urlencode()
    return redirect(f"{url}{'?' + query if query else ''}{anchor}")


@require_POST
def panel_mark_unread(request, round_slug, gss_code):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    plan = selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    services.panel_mark_unread(user=request.user, plan=plan)
    messages.success(request, f"{plan.council.name}’s plan is marked as unread.")
    url = reverse("plans:panel_tracker", args=[round_slug])
    query = request.GET.urlencode()
    return redirect(f"{url}{'?' + query if query else ''}")


@require_POST
def panel_note_add(request, round_slug, gss_code):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    plan = selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    form = PanelNoteForm(request.POST)
    if form.is_valid():
        try:
            services.panel_note_add(user=request.user, plan=plan, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your note has been saved.")
            return _back_to_plan(request, round_slug, gss_code, "#notes")
    _, filters = tracker_filters(request)
    submissions = selectors.panel_submissions(user=request.user, plan=plan)
    context = _reading_context(request, round_, plan, submissions, submissions[-1], filters)
    context["note_form"] = form
    drawn = context["document_html"].replace(CSRF_PLACEHOLDER, get_token(request))
    context["document_html"] = mark_safe(drawn)  # noqa: S308 (as drawn, with the token)
    return render(request, "plans/panel/plan.html", context, status=400)


def panel_note_edit(request, round_slug, gss_code, note_id):
    require_panel(request)
    round_ = selectors.panel_round(slug=round_slug)
    plan = selectors.panel_plan(user=request.user, round=round_, gss_code=gss_code)
    note = selectors.panel_note(user=request.user, plan=plan, note_id=note_id)
    permissions.require(request.user, "panel_note_edit", note)
    _, filters = tracker_filters(request)
    form = PanelNoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_note_edit(user=request.user, note=note, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your note has been changed.")
            return _back_to_plan(request, round_slug, gss_code, "#notes")
    return render(
        request,
        "plans/panel/note_edit.html",
        {"round": round_, "plan": plan, "note": note, "form": form, "filters": filters},
    )
