"""Readable differences between two snapshots of a plan."""

import difflib
from dataclasses import dataclass

from plans.content import content_as_text


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class SectionDiff:
    label: str
    lines: list[DiffLine]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def diff_contents(older: dict, newer: dict, *, context: int = 2) -> list[SectionDiff]:
    """Line-by-line changes per section, keeping `context` unchanged lines around each change."""
    old_sections = dict(content_as_text(older))
    new_sections = content_as_text(newer)
    labels = [label for label, _ in new_sections] + [
        label for label in old_sections if label not in dict(new_sections)
    ]
    new_by_label = dict(new_sections)
    result = []
    for label in labels:
        before = old_sections.get(label, [])
        after = new_by_label.get(label, [])
        lines: list[DiffLine] = []
        added = removed = 0
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for group in matcher.get_grouped_opcodes(context):
            if lines:
                lines.append(DiffLine("gap", "…"))
            for tag, i1, i2, j1, j2 in group:
                if tag == "equal":
                    lines.extend(DiffLine("same", text) for text in before[i1:i2])
                    continue
                if tag in ("replace", "delete"):
                    lines.extend(DiffLine("removed", text) for text in before[i1:i2])
                    removed += i2 - i1
                if tag in ("replace", "insert"):
                    lines.extend(DiffLine("added", text) for text in after[j1:j2])
                    added += j2 - j1
        result.append(SectionDiff(label=label, lines=lines, added=added, removed=removed))
    return result
