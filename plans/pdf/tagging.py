"""Finish the tags WeasyPrint writes, so the printed plan passes the PDF/UA-1 machine checks.

WeasyPrint 70 ties each data cell to its header cells with /Headers and /ID, but it drops the
`scope` of `<th scope="col">` and `<th scope="row">`: its header cells carry no /Scope, which
PDF/UA checkers report (UA-15-003) because they only look for /Scope on the header cells. This
adds the /Scope the HTML already says: /Column for a header cell in a table's head, /Row for one
in its body or foot. Nothing else in the file changes.
"""

import io
import logging

# pikepdf announces "C++ to Python logger bridge initialized" at INFO when first imported, which
# would land in every log (and in `manage.py` output) because the renderer imports it.
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)

import pikepdf  # noqa: E402 (after quietening its logger)

SECTION_SCOPE = {
    "/THead": pikepdf.Name.Column,
    "/TBody": pikepdf.Name.Row,
    "/TFoot": pikepdf.Name.Row,
}


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _table_attributes(element) -> pikepdf.Dictionary:
    """The element's Table attribute dictionary (/O /Table), created if it has none."""
    attributes = element.get("/A")
    candidates = []
    if isinstance(attributes, pikepdf.Dictionary):
        candidates = [attributes]
    elif isinstance(attributes, pikepdf.Array):
        candidates = [item for item in attributes if isinstance(item, pikepdf.Dictionary)]
    for candidate in candidates:
        if candidate.get("/O") == pikepdf.Name.Table:
            return candidate
    table = pikepdf.Dictionary(O=pikepdf.Name.Table)
    if attributes is None:
        element.A = table
    elif isinstance(attributes, pikepdf.Array):
        attributes.append(table)
    else:
        element.A = pikepdf.Array([attributes, table])
    return table


def _scope_headers(node, section: str | None, seen: set) -> int:
    """Walk the structure tree below `node`; returns how many header cells got a /Scope."""
    added = 0
    for kid in _kids(node):
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
            continue
        if kid.is_indirect:
            if kid.objgen in seen:
                continue
            seen.add(kid.objgen)
        role = str(kid.S)
        if role == "/Table":
            inner = None
        elif role in SECTION_SCOPE:
            inner = role
        else:
            inner = section
        if role == "/TH":
            attributes = _table_attributes(kid)
            if "/Scope" not in attributes:
                # A header row outside any THead is a row of column headers.
                attributes.Scope = SECTION_SCOPE.get(section or "/THead")
                added += 1
        added += _scope_headers(kid, inner, seen)
    return added


def pdf_with_table_scopes(pdf: bytes) -> bytes:
    """The same PDF with /Scope on every table header cell (unchanged if none lacks one)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None or not _scope_headers(tree, None, set()):
            return pdf
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
        return out.getvalue()
