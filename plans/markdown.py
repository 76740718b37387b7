"""Markdown to safe HTML.

Officers write Markdown (headings, numbered paragraphs, lists, tables, links). Raw HTML in the
source is shown as text, never interpreted, and the rendered HTML is then cleaned by nh3 with a
short allow-list, so no script, event handler, style, `javascript:` link or image survives.
An image in the source (`![alt](url)`) prints as its alternative text: a plan never loads
anything from elsewhere.
"""

import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape
from markdown_it import MarkdownIt

MAX_NARRATIVE_CHARACTERS = 30_000

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Control characters other than tab and newline have no place in a plan.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable("table")


def _image_as_alt_text(self, tokens, idx, options, env):
    return escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


_markdown.add_render_rule("image", _image_as_alt_text)


def normalise_text(text: str) -> str:
    """Unify line endings, drop control characters and trailing spaces at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", text).rstrip()


def validate_narrative_length(text: str) -> None:
    if len(text) > MAX_NARRATIVE_CHARACTERS:
        raise ValidationError(
            "Your answer must be %(limit)s characters or fewer",
            code="max_length",
            params={"limit": f"{MAX_NARRATIVE_CHARACTERS:,}"},
        )


def _shift_headings(html: str) -> str:
    # The page already has its h1; a theme's own headings start at h2 and go no deeper than h4.
    def shift(match):
        level = min(max(int(match.group(2)) + 1, 2), 4)
        return f"<{match.group(1)}h{level}>"

    return re.sub(r"<(/?)h([1-6])>", shift, html)


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML suitable for `|safe` in templates and the PDF."""
    html = _shift_headings(_markdown.render(normalise_text(text)))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
