"""The paragraphs of a theme's anchored HTML (see `with_paragraph_anchors`), as the browser sees
them: each anchored element's text is its `textContent`, so a character range a reader selects
in the page is a range of the same string here.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

# The blocks a panel member codes: paragraphs and list items (not headings or tables).
CODABLE_TAGS = ("p", "li")
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_ANCHOR = re.compile(r"^theme-(\d+)-p-(\d+)$")


@dataclass(frozen=True)
class Paragraph:
    anchor: str
    theme_number: int
    index: int
    tag: str
    text: str


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None]] = []  # (tag, anchor or None)
        self.texts: dict[str, list[str]] = {}
        self.tags: dict[str, str] = {}
        # For each top-level element: (start offset, end offset, anchors inside it).
        self.blocks: list[list] = []
        self._line_offsets = [0]

    def feed_all(self, html: str) -> None:
        # HTMLParser counts lines by "\n" only (not by every line break splitlines knows).
        offset = 0
        for line in html.split("\n"):
            offset += len(line) + 1
            self._line_offsets.append(offset)
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        anchor = dict(attrs).get("id")
        anchor = anchor if anchor and _ANCHOR.match(anchor) else None
        if not self.open:
            self.blocks.append([self._offset(), None, []])
        if anchor:
            self.texts[anchor] = []
            self.tags[anchor] = tag
            if self.blocks:
                self.blocks[-1][2].append(anchor)
        if tag in _VOID:
            if not self.open and self.blocks:
                self.blocks[-1][1] = self._offset() + len(self.get_starttag_text() or "")
            return
        self.open.append((tag, anchor))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self.open:
            open_tag, _ = self.open.pop()
            if open_tag == tag:
                break
        if not self.open and self.blocks and self.blocks[-1][1] is None:
            self.blocks[-1][1] = self._offset() + len(f"</{tag}>")

    def handle_data(self, data):
        for _, anchor in self.open:
            if anchor:
                self.texts[anchor].append(data)


@lru_cache(maxsize=1024)
def _read(html: str) -> _Reader:
    """The blocks, texts and tags of a theme's HTML; a submitted version's HTML never changes,
    so each is read once per process (the result is shared: read it, never change it)."""
    reader = _Reader()
    reader.feed_all(html)
    return reader


def paragraphs(html: str) -> dict[str, Paragraph]:
    """Every codable paragraph of anchored theme HTML, by anchor."""
    reader = _read(html)
    found = {}
    for anchor, parts in reader.texts.items():
        if reader.tags[anchor] not in CODABLE_TAGS:
            continue
        theme_number, index = (int(group) for group in _ANCHOR.match(anchor).groups())
        found[anchor] = Paragraph(
            anchor=anchor,
            theme_number=theme_number,
            index=index,
            tag=reader.tags[anchor],
            text="".join(parts),
        )
    return found


def insert_after_blocks(html: str, snippets: dict[str, str]) -> str:
    """`html` with each snippet (already safe HTML) placed after the top-level block that holds
    its paragraph, outside it: the paragraph's own text, and so its character ranges, stay as
    they were."""
    reader = _read(html)
    pieces, cursor = [], 0
    for _start, end, anchors in reader.blocks:
        if end is None:
            continue
        extra = "".join(snippets[anchor] for anchor in anchors if anchor in snippets)
        if extra:
            pieces.append(html[cursor:end])
            pieces.append(extra)
            cursor = end
    pieces.append(html[cursor:])
    return "".join(pieces)
