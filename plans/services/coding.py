"""Changes to the panel's codebook, coded extracts and memos; every one is audited.

Audit events here carry no plan: a plan's events make its council's timeline, and nothing the
panel makes is ever shown to a council. The council and version are in the event's detail.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from councils import permissions
from plans.markdown import normalise_text
from plans.models import Code, CodedExtract, CodeMemo, ExtractCode, Plan, PlanVersion, Round
from plans.selectors.coding import version_paragraphs
from plans.services.audit import audit_record
from plans.services.errors import invalid_transition

NAME_MAX = 120
DEFINITION_MAX = 2_000
MEMO_MAX = 20_000


def _clean(text: str) -> str:
    return normalise_text(text or "").strip()


def _check_code(*, round: Round, name: str, definition: str, parent, code=None) -> None:
    """Raise ValidationError (keyed by field) unless the code's values are allowed."""
    errors = {}
    if not name:
        errors["name"] = ValidationError("Enter the code’s name", code="required")
    elif len(name) > NAME_MAX:
        errors["name"] = ValidationError(
            "The name must be %(limit)s characters or fewer",
            code="max_length",
            params={"limit": NAME_MAX},
        )
    else:
        taken = Code.objects.filter(round=round, retired_at__isnull=True, name__iexact=name)
        if code is not None:
            taken = taken.exclude(pk=code.pk)
        if taken.exists():
            errors["name"] = ValidationError(
                "A code with this name is already in the codebook", code="duplicate"
            )
    if not definition:
        errors["definition"] = ValidationError("Enter the code’s definition", code="required")
    elif len(definition) > DEFINITION_MAX:
        errors["definition"] = ValidationError(
            "The definition must be %(limit)s characters or fewer",
            code="max_length",
            params={"limit": DEFINITION_MAX},
        )
    if parent is not None:
        if parent.round_id != round.pk or not parent.is_active:
            errors["parent"] = ValidationError("Choose a code in the codebook", code="invalid")
        elif code is not None and parent.pk == code.pk:
            errors["parent"] = ValidationError("A code cannot be its own parent", code="own_parent")
        elif parent.parent_id is not None:
            errors["parent"] = ValidationError(
                "Choose a top-level code: codes have two levels only", code="too_deep"
            )
        elif code is not None and code.children.filter(retired_at__isnull=True).exists():
            errors["parent"] = ValidationError(
                "This code has codes under it, so it must stay a top-level code",
                code="too_deep",
            )
    if errors:
        raise ValidationError(errors)


def _code_detail(code: Code) -> dict:
    return {"code": code.pk, "round": code.round.slug, "name": code.name}


@transaction.atomic
def code_add(*, user, round: Round, name: str, definition: str, parent: Code | None = None) -> Code:
    """Add a code to the round's codebook; writes an audit event."""
    permissions.require(user, "codebook_manage", round)
    name, definition = _clean(name), _clean(definition)
    _check_code(round=round, name=name, definition=definition, parent=parent)
    code = Code.objects.create(round=round, name=name, definition=definition, parent=parent)
    audit_record(
        action="code_added",
        actor=user,
        detail={**_code_detail(code), "parent": parent.pk if parent else None},
    )
    return code


def _locked_active(code: Code) -> Code:
    code = Code.objects.select_for_update().select_related("round").get(pk=code.pk)
    if not code.is_active:
        raise invalid_transition("This code has been retired")
    return code


@transaction.atomic
def code_edit(*, user, code: Code, name: str, definition: str, parent: Code | None) -> Code:
    """Rename a code, change its definition or its parent; writes an audit event."""
    permissions.require(user, "codebook_manage", code)
    code = _locked_active(code)
    name, definition = _clean(name), _clean(definition)
    _check_code(round=code.round, name=name, definition=definition, parent=parent, code=code)
    before = {"name": code.name, "definition": code.definition, "parent": code.parent_id}
    code.name, code.definition, code.parent = name, definition, parent
    code.save(update_fields=["name", "definition", "parent"])
    after = {"name": code.name, "definition": code.definition, "parent": code.parent_id}
    if before != after:
        audit_record(
            action="code_changed",
            actor=user,
            detail={**_code_detail(code), "before": before, "after": after},
        )
    return code


@transaction.atomic
def code_merge(*, user, code: Code, into: Code) -> Code:
    """Move every extract of `code` to `into` (an extract that already carries `into` keeps it
    once), move its sub-codes under `into`, and retire `code`; writes an audit event."""
    permissions.require(user, "codebook_manage", code)
    # Lock both rows in a fixed order, so two merges of the same pair cannot deadlock.
    first, second = sorted([code.pk, into.pk])
    list(Code.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk"))
    code = _locked_active(code)
    into = Code.objects.select_related("round").get(pk=into.pk)
    if into.pk == code.pk or into.round_id != code.round_id or not into.is_active:
        raise ValidationError(
            {"into": ValidationError("Choose another code in the codebook", code="invalid")}
        )
    children = code.children.filter(retired_at__isnull=True)
    if children.exists() and into.parent_id is not None:
        raise ValidationError(
            {
                "into": ValidationError(
                    "This code has codes under it: merge it into a top-level code",
                    code="too_deep",
                )
            }
        )
    if into.parent_id == code.pk:
        raise ValidationError(
            {"into": ValidationError("Choose a code that is not under this one", code="invalid")}
        )
    already = ExtractCode.objects.filter(code=into).values("extract_id")
    duplicates, _ = ExtractCode.objects.filter(code=code, extract_id__in=already).delete()
    moved = ExtractCode.objects.filter(code=code).update(code=into)
    moved_children = list(children.values_list("pk", flat=True))
    children.update(parent=into)
    code.retired_at = timezone.now()
    code.merged_into = into
    code.save(update_fields=["retired_at", "merged_into"])
    audit_record(
        action="code_merged",
        actor=user,
        detail={
            **_code_detail(code),
            "into": into.pk,
            "into_name": into.name,
            "extracts_moved": moved,
            "extracts_already_coded": duplicates,
            "children_moved": moved_children,
        },
    )
    return into


@transaction.atomic
def code_retire(*, user, code: Code) -> Code:
    """Retire a code: it leaves the coding form and the matrix, its extracts stay; audited."""
    permissions.require(user, "codebook_manage", code)
    code = _locked_active(code)
    if code.children.filter(retired_at__isnull=True).exists():
        raise ValidationError(
            "This code has codes under it: retire or move them first", code="has_children"
        )
    code.retired_at = timezone.now()
    code.save(update_fields=["retired_at"])
    audit_record(action="code_retired", actor=user, detail=_code_detail(code))
    return code


@transaction.atomic
def code_memo_save(*, user, code: Code, text: str) -> CodeMemo | None:
    """Write the code's memo anew, keeping every earlier text; audited. Unchanged text is not
    saved again."""
    permissions.require(user, "code_memo_edit", code)
    code = Code.objects.select_for_update().select_related("round").get(pk=code.pk)
    text = _clean(text)
    if len(text) > MEMO_MAX:
        raise ValidationError(
            {
                "text": ValidationError(
                    "The memo must be %(limit)s characters or fewer",
                    code="max_length",
                    params={"limit": MEMO_MAX},
                )
            }
        )
    latest = code.memos.order_by("-written_at", "-pk").first()
    if (latest.text if latest else "") == text:
        return latest
    memo = CodeMemo.objects.create(code=code, text=text, author=user)
    audit_record(
        action="code_memo_changed",
        actor=user,
        detail={**_code_detail(code), "memo": memo.pk, "length": len(text)},
    )
    return memo


def _extract_range(
    *, version: PlanVersion, anchor: str, start: int | None, end: int | None, quote: str
):
    """The paragraph and the checked range: the whole paragraph without a range, else the range
    whose text must equal `quote` in that version."""
    paragraph = version_paragraphs(version).get(anchor)
    if paragraph is None or not paragraph.text.strip():
        raise ValidationError(
            {"anchor": ValidationError("Choose a paragraph of this version", code="invalid")}
        )
    if start is None and end is None:
        return paragraph, 0, len(paragraph.text), paragraph.text
    if (
        start is None
        or end is None
        or not 0 <= start < end <= len(paragraph.text)
        or paragraph.text[start:end] != quote
        or not quote.strip()
    ):
        raise ValidationError(
            {
                "quote": ValidationError(
                    "The selected words do not match this paragraph of the plan: select them "
                    "again, or code the whole paragraph",
                    code="quote_mismatch",
                )
            }
        )
    return paragraph, start, end, quote


@transaction.atomic
def extract_code(
    *,
    user,
    plan: Plan,
    version: PlanVersion,
    anchor: str,
    codes: list[Code],
    start: int | None = None,
    end: int | None = None,
    quote: str = "",
) -> CodedExtract:
    """Give a passage of a submitted version one or more codes (a whole paragraph, or a range
    whose quote is checked against the version); writes an audit event."""
    permissions.require(user, "extract_code", plan)
    if (
        version.plan_id != plan.pk
        or not plan.submissions.filter(
            permissions.panel_submission_scope(user), version_id=version.pk
        ).exists()
    ):
        raise ValidationError("Only a version sent to the ministry can be coded", code="invalid")
    paragraph, start, end, quote = _extract_range(
        version=version, anchor=anchor, start=start, end=end, quote=quote
    )
    if not codes or any(code.round_id != plan.round_id or not code.is_active for code in codes):
        raise ValidationError(
            {"codes": ValidationError("Choose at least one code", code="required")}
        )
    # Two panel members coding the same words at once meet on one extract (the constraint).
    extract, _ = CodedExtract.objects.get_or_create(
        version=version,
        anchor=anchor,
        start=start,
        end=end,
        defaults={
            "plan": plan,
            "theme_number": paragraph.theme_number,
            "paragraph": paragraph.index,
            "quote": quote,
            "author": user,
        },
    )
    extract = CodedExtract.objects.select_for_update().get(pk=extract.pk)
    present = set(ExtractCode.objects.filter(extract=extract).values_list("code_id", flat=True))
    added = [code for code in codes if code.pk not in present]
    ExtractCode.objects.bulk_create(
        [ExtractCode(extract=extract, code=code, applied_by=user) for code in added]
    )
    if added:
        audit_record(
            action="extract_coded",
            actor=user,
            detail={
                "council": plan.council.gss_code,
                "version": version.number,
                "extract": extract.pk,
                "anchor": anchor,
                "start": start,
                "end": end,
                "codes": [code.pk for code in added],
            },
        )
    return extract


@transaction.atomic
def extract_code_remove(*, user, extract: CodedExtract, code: Code) -> None:
    """Take one code off an extract (the extract goes with its last code); audited."""
    permissions.require(user, "extract_code", extract.plan)
    extract = CodedExtract.objects.select_for_update().get(pk=extract.pk)
    removed, _ = ExtractCode.objects.filter(extract=extract, code=code).delete()
    if not removed:
        return
    detail = {
        "council": extract.plan.council.gss_code,
        "version": extract.version.number,
        "extract": extract.pk,
        "anchor": extract.anchor,
        "code": code.pk,
    }
    if not ExtractCode.objects.filter(extract=extract).exists():
        extract.delete()
    audit_record(action="extract_code_removed", actor=user, detail=detail)
