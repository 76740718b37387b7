"""Text rules of the panel's full-text search, shared by the index and the query.

British and American spellings are found alike: both the indexed text and the query are brought
to the British spelling (-ise, -isation, -yse) before PostgreSQL builds its vectors, so
"organization" and "organisation" become the same lexeme. Acronyms that the `english`
configuration drops as stop words or stems ("IT", "SEND", "AI") are kept in a second vector of
only the words written in capitals (2 to 5 letters): a query word written in capitals matches
only where the plan wrote it in capitals, so "IT" finds "IT" and never "it".
"""

import re
from html.parser import HTMLParser

from plans.markdown import render_markdown

# Characters that mark a highlight inside PostgreSQL's ts_headline output: from the Unicode
# private use area, removed from indexed text, so the text can be escaped first and marked after.
MARK_START, MARK_STOP = "\ue000", "\ue001"
_PRIVATE = re.compile("[\ue000\ue001]")

_IZE = re.compile(
    r"\b(\w{2,}?)(i|y)([zZ])(e|es|ed|ing|er|ers|ation|ations|ational|able)\b", re.IGNORECASE
)
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
# A query word in capitals, but not websearch's own OR operator.
_QUERY_TOKEN = re.compile(r'"[^"]*"?|\S+')


def normalise_spelling(text: str) -> str:
    """American -ize/-ization/-yze spellings in their British form, keeping the letter case."""

    def british(match):
        stem, vowel, z, suffix = match.groups()
        return f"{stem}{vowel}{'S' if z == 'Z' else 's'}{suffix}"

    return _IZE.sub(british, text)


def americanise_spelling(text: str) -> str:
    """The other way round, only to highlight both spellings in snippets."""
    pattern = re.compile(
        r"\b(\w{2,}?)(i|y)([sS])(e|es|ed|ing|er|ers|ation|ations|ational|able)\b", re.IGNORECASE
    )
    return pattern.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{'Z' if m.group(3) == 'S' else 'z'}{m.group(4)}",
        text,
    )


def acronym_text(text: str) -> str:
    """The words written in capitals (2 to 5 letters), for the `simple` vector."""
    return " ".join(ACRONYM.findall(text))


def split_query(query: str) -> tuple[str, list[str]]:
    """The query's words for the `english` vector, and its bare words in capitals (acronyms).

    Quoted phrases, negated words and websearch's OR stay in the first part."""
    words, acronyms = [], []
    for token in _QUERY_TOKEN.findall(query):
        if ACRONYM.fullmatch(token) and token != "OR":
            acronyms.append(token)
        else:
            words.append(token)
    return " ".join(words).strip(), list(dict.fromkeys(acronyms))


def clean_indexed_text(text: str) -> str:
    return " ".join(_PRIVATE.sub("", text).split())


_BLOCKS = {"p", "li", "h2", "h3", "h4", "table", "blockquote", "pre"}


class _ParagraphParser(HTMLParser):
    """Text of each anchored block, numbered in the order `with_paragraph_anchors` numbers them:
    every opening block tag takes the next number; text belongs to the innermost open block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = []
        self.stack: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.paragraphs.append([])
            self.stack.append(len(self.paragraphs) - 1)
        elif tag in ("br", "td", "th") and self.stack:
            self.paragraphs[self.stack[-1]].append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack:
            self.paragraphs[self.stack[-1]].append(data)


def narrative_paragraphs(narrative: str) -> list[tuple[int, str]]:
    """(position, plain text) of each paragraph, list item, heading and table of a theme's
    narrative; position n is the paragraph the reading view anchors as `theme-<t>-p-<n>`."""
    parser = _ParagraphParser()
    parser.feed(render_markdown(narrative))
    parser.close()
    paragraphs = []
    for index, parts in enumerate(parser.paragraphs, start=1):
        text = clean_indexed_text("".join(parts))
        if text:
            paragraphs.append((index, text))
    return paragraphs


def paragraph_anchor(theme_number: int, position: int) -> str:
    """The id the panel's reading view gives the paragraph (see `with_paragraph_anchors`)."""
    return f"theme-{theme_number}-p-{position}"
