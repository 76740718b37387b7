"""Pages for council officers drafting their plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from councils import permissions
from councils.selectors import councils_for_user
from plans import selectors
from plans.deadlines import council_deadline
from plans.diff import diff_contents
from plans.forms.drafting import CompareRevisionsForm, SectionForm, StartPlanForm
from plans.services.drafting import EditConflict, plan_start, section_save
from plans.services.revisions import plan_ensure_editable
from plans.views.errors import add_service_errors, can_change_draft, wrong_state
from plans.views.signoff import sign_off_panel, sign_off_send_panel
from plans.views.submission import submission_for_plan_page
from productivity.http import client_ip, wants_json
from productivity.sessions import signed_out_post_take


def council_detail(request, gss_code):
    council = get_object_or_404(councils_for_user(user=request.user), gss_code=gss_code)
    return render(
        request,
        "plans/council_detail.html",
        {
            "council": council,
            "rounds": selectors.rounds_with_plans_for_council(council=council),
            "can_start": permissions.can(request.user, "plan_start", council),
            "can_manage_people": permissions.can(request.user, "people_manage", council),
        },
    )


@require_POST
def plan_start_view(request, gss_code):
    council = get_object_or_404(councils_for_user(user=request.user), gss_code=gss_code)
    # Refused before the form is read, so a member who may not start a plan gets 403 whatever
    # they posted, not a redirect back to the council page.
    permissions.require(request.user, "plan_start", council)
    form = StartPlanForm(request.POST)
    if not form.is_valid():
        return redirect("plans:council", gss_code=council.gss_code)
    round_ = get_object_or_404(selectors.open_rounds(), pk=form.cleaned_data["round"])
    plan = plan_start(
        council=council, round=round_, user=request.user, ip_address=client_ip(request)
    )
    return redirect(plan)


def plan_tasklist(request, plan_id):
    plan = selectors.plan_with_sections(user=request.user, plan_id=plan_id)
    return render(
        request,
        "plans/plan_tasklist.html",
        {
            "plan": plan,
            "sections": plan.ordered_sections,
            "completed_count": sum(section.is_complete for section in plan.ordered_sections),
            "can_edit": can_change_draft(request.user, plan),
            "sign_off_panel": sign_off_panel(request, plan),
            "submission": submission_for_plan_page(request, plan),
            "deadline": council_deadline(council_id=plan.council_id, round=plan.round),
        },
    )


def section_edit(request, plan_id, theme_number):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    section = selectors.section_for_theme(plan=plan, theme_number=theme_number)
    permissions.require(request.user, "plan_edit", plan)
    try:
        plan_ensure_editable(plan)
    except ValidationError as error:
        return wrong_state(request, plan=plan, message=error.messages[0])
    theme_title = f"{section.theme.number}. {section.theme.title}"
    if request.method != "POST":
        # Text posted after the session ended comes back once, on top of the saved text; its
        # edit count still guards against overwriting someone else's newer save.
        kept = signed_out_post_take(request)
        initial = _initial(section) | _kept_fields(kept)
        form = SectionForm(initial=initial, theme_title=theme_title)
        return _section_page(request, plan, section, form, restored=kept is not None)
    autosave = wants_json(request)
    form = SectionForm(request.POST, theme_title=theme_title)
    if not form.is_valid():
        return _refused(request, plan, section, form, autosave)
    try:
        result = section_save(
            section_id=section.pk, user=request.user, autosave=autosave, **form.cleaned_data
        )
    except EditConflict as conflict:
        if autosave:
            return JsonResponse(_conflict_json(conflict.current), status=409)
        form = _conflict_form(request.POST, conflict.current, theme_title)
        return _section_page(request, plan, section, form, conflict=conflict.current)
    except ValidationError as error:
        status = add_service_errors(form, error)
        if autosave:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=status)
        return _section_page(request, plan, section, form, status=status)
    if autosave:
        return JsonResponse(_saved_json(result.section))
    messages.success(request, f"Theme {section.theme.number} saved")
    return redirect(plan)


def _initial(section) -> dict:
    completed = "yes" if section.is_complete else "no"
    return {
        "narrative": section.narrative,
        "is_complete": completed if section.edit_count else None,
        "base_edit_count": section.edit_count,
    }


def _kept_fields(kept: dict[str, list[str]] | None) -> dict:
    fields = ("narrative", "is_complete", "base_edit_count")
    return {name: kept[name][0] for name in fields if kept and kept.get(name)}


def _refused(request, plan, section, form, autosave):
    if autosave:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return _section_page(request, plan, section, form)


def _section_page(request, plan, section, form, conflict=None, status=200, restored=False):
    context = {
        "plan": plan,
        "section": section,
        "form": form,
        "conflict": conflict,
        "restored": restored,
    }
    return render(request, "plans/section_edit.html", context, status=409 if conflict else status)


def _conflict_form(data, current, theme_title) -> SectionForm:
    """Keep what the user typed and let the next save build on the newer saved text."""
    data = data.copy()
    data["base_edit_count"] = str(current.edit_count)
    form = SectionForm(data, theme_title=theme_title)
    form.is_valid()
    form.add_error(
        None,
        ValidationError(
            "Someone else saved this theme while you were editing it. Your text has not been "
            "saved: compare it with theirs below, combine them, then save again",
            code="edit_conflict",
        ),
    )
    return form


def _saved_json(section) -> dict:
    # An unchanged, never-saved theme has no save time yet: "now" is when it was last in sync.
    saved_at = timezone.localtime(section.updated_at or timezone.now())
    return {"edit_count": section.edit_count, "saved_at": saved_at.strftime("%-I:%M%p").lower()}


def _conflict_json(current) -> dict:
    return {
        "conflict": True,
        "edit_count": current.edit_count,
        "updated_by": current.updated_by.full_name if current.updated_by else "",
        "message": "Someone else has saved this theme. Save the page to compare your text "
        "with theirs.",
    }


def plan_check(request, plan_id):
    plan = selectors.plan_with_sections(user=request.user, plan_id=plan_id)
    empty = [section for section in plan.ordered_sections if not section.narrative.strip()]
    return render(
        request,
        "plans/plan_check.html",
        {
            "plan": plan,
            "sections": plan.ordered_sections,
            "empty_sections": empty,
            "can_edit": can_change_draft(request.user, plan),
            "sign_off_panel": sign_off_send_panel(request, plan),
            "estimate": selectors.page_count_for_plan(plan=plan),
        },
    )


def revision_list(request, plan_id):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    permissions.require(request.user, "plan_view_history", plan)
    revisions = list(selectors.revisions_for_plan(plan=plan))
    numbers = [revision.number for revision in revisions]
    form = None
    if len(numbers) >= 2:
        form = CompareRevisionsForm(
            initial={"older": numbers[1], "newer": numbers[0]}, numbers=numbers
        )
    return render(
        request,
        "plans/revision_list.html",
        {"plan": plan, "revisions": revisions, "form": form},
    )


def revision_compare(request, plan_id):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    permissions.require(request.user, "plan_view_history", plan)
    numbers = list(selectors.revisions_for_plan(plan=plan).values_list("number", flat=True))
    form = CompareRevisionsForm(request.GET, numbers=numbers)
    if not form.is_valid():
        revisions = list(selectors.revisions_for_plan(plan=plan))
        return render(
            request,
            "plans/revision_list.html",
            {"plan": plan, "revisions": revisions, "form": form},
            status=400,
        )
    older, newer = sorted((form.cleaned_data["older"], form.cleaned_data["newer"]))
    before, after = selectors.revision_pair(plan=plan, older=older, newer=newer)
    return render(
        request,
        "plans/revision_compare.html",
        {
            "plan": plan,
            "before": before,
            "after": after,
            "diff": diff_contents(before.content, after.content),
        },
    )
