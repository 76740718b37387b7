"""The canonical content of a plan: what a revision records, a version hashes and the PDF prints.

`plan_content(plan)` builds a plain dict from the live draft. Everything that will print goes in
here, in print order, so a version's hash covers exactly what members approve.
"""

import hashlib
import json

from plans.models import Plan

CONTENT_SCHEMA = 1


def plan_content(plan: Plan) -> dict:
    """The plan's whole content as plain data (sections must be prefetched or are queried once)."""
    council = plan.council
    sections = sorted(
        plan.sections.select_related("theme").all(), key=lambda section: section.theme.number
    )
    return {
        "schema": CONTENT_SCHEMA,
        "council": {"gss_code": council.gss_code, "name": council.name},
        "round": {"slug": plan.round.slug, "name": plan.round.name},
        "themes": [
            {
                "number": section.theme.number,
                "title": section.theme.title,
                "short_title": section.theme.short_title,
                "narrative": section.narrative,
            }
            for section in sections
        ],
    }


def canonical_json(content: dict) -> bytes:
    """One byte string per content: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def content_sha256(content: dict) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


def content_as_text(content: dict) -> list[tuple[str, list[str]]]:
    """The content as readable lines, section by section, for comparing two revisions."""
    sections = []
    for theme in content.get("themes", []):
        label = f"Theme {theme['number']}: {theme['short_title']}"
        sections.append((label, theme["narrative"].splitlines()))
    return sections
