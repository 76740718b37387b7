"""Templates carry no inline scripts or styles, so a strict Content-Security-Policy can apply."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
INLINE_STYLE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def _templates() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


def test_templates_are_found():
    names = {path.relative_to(TEMPLATES_DIR).as_posix() for path in _templates()}
    assert {"base.html", "404.html", "plans/section_edit.html"} <= names


def test_templates_have_no_style_attributes():
    offenders = [str(path) for path in _templates() if INLINE_STYLE.search(path.read_text())]
    assert offenders == []


def test_templates_have_no_inline_scripts():
    """Every <script> loads a file (src=...); none carries code of its own."""
    offenders = [
        f"{path}: {tag}"
        for path in _templates()
        for tag in SCRIPT_TAG.findall(path.read_text())
        if "src=" not in tag
    ]
    assert offenders == []


def test_templates_have_no_event_handler_attributes():
    offenders = [str(path) for path in _templates() if EVENT_HANDLER.search(path.read_text())]
    assert offenders == []


def test_the_checks_catch_what_they_look_for():
    assert INLINE_STYLE.search('<p style="color: red">')
    assert [t for t in SCRIPT_TAG.findall("<script>alert(1)</script>") if "src=" not in t]
    assert not [t for t in SCRIPT_TAG.findall('<script src="/a.js"></script>') if "src=" not in t]
    assert EVENT_HANDLER.search('<a onclick="x()">')
