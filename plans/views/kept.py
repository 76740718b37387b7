"""The panel's heaviest pages, drawn once per state of the data and served from what was drawn.

A page's own blocks (its title, content and scripts: everything but the layout around them) are
rendered once under a key that holds every input they depend on (the user, the address with its
filters, whatever else the view names) and kept by `panel_cached` until the panel's data changes.
Each request then renders only the layout (the header with the reader's own sign-out form, the
messages, the session timeout) and puts the kept blocks into it, with the reader's own CSRF
token put back where the kept blocks hold a placeholder.

On SQLite, or with PANEL_CACHE_SECONDS at 0, every request draws its blocks afresh: the same code
path, nothing kept.
"""

import secrets
from collections.abc import Callable

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.utils.safestring import mark_safe

from plans.selectors.generation import panel_cached

# The blocks base.html defines for its pages to fill.
BLOCKS = ("title", "head", "before_content", "content", "scripts")
LAYOUT = "plans/panel/kept_page.html"
# Drawn in place of the CSRF token, which is each reader's own; random per process, so no plan's
# text can contain it.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


def render_kept(
    request,
    template_name: str,
    key: tuple,
    build_context: Callable[[], dict],
) -> HttpResponse:
    """The page `template_name` (which extends base.html directly) with the context
    `build_context()` returns, its blocks kept under `key` (plus the user and the address).
    Anything in the context that holds CSRF_PLACEHOLDER gets the reader's token. The response's
    status is the context's "status" (200 if it has none)."""
    user = request.user
    full_key = (
        "page",
        template_name,
        user.pk,
        # What a user may see can change without the panel's data changing.
        (user.is_panel_member, user.is_panel_lead, user.is_staff, user.is_superuser),
        request.get_full_path(),
        key,
    )

    def build():
        context = build_context()
        return context, _render_blocks(request, template_name, context)

    # A page's context holds what its blocks were drawn from: about as large again.
    context, blocks = panel_cached(
        full_key,
        build,
        size=lambda kept: 2 * sum(len(piece) for pieces in kept[1].values() for piece in pieces),
    )
    token = get_token(request).encode()
    drawn = {name: token.join(pieces) for name, pieces in blocks.items()}
    markers = {name: f"<!-- kept {name} {secrets.token_hex(8)} -->" for name in BLOCKS}
    response = render(
        request,
        LAYOUT,
        # The page's own context is passed on (tests and the debug toolbar read it); the layout
        # prints only the markers.
        {**context, **{f"kept_{name}": mark_safe(marker) for name, marker in markers.items()}},  # noqa: S308
        status=context.get("status", 200),
    )
    content = response.content
    for name, marker in markers.items():
        before, _, after = content.partition(marker.encode())
        content = b"".join((before, drawn.get(name, b""), after))
    response.content = content
    return response


def _render_blocks(request, template_name: str, context: dict) -> dict[str, list[bytes]]:
    """Each block the page defines, rendered with the request's context and split where the
    CSRF token goes."""
    template = get_template(template_name).template
    extends = template.nodelist[0] if template.nodelist else None
    if not isinstance(extends, ExtendsNode) or extends.parent_name.var != "base.html":
        raise ValueError(f"{template_name} must start with {{% extends 'base.html' %}}")
    blocks = {node.name: node for node in extends.nodelist if isinstance(node, BlockNode)}
    unknown = set(blocks) - set(BLOCKS)
    if unknown:
        raise ValueError(f"{template_name} fills blocks base.html does not have: {unknown}")
    drawn = {}
    page_context = make_context({**context, "csrf_token": CSRF_PLACEHOLDER}, request)
    with page_context.bind_template(template):
        for name, node in blocks.items():
            drawn[name] = node.render(page_context).encode().split(CSRF_PLACEHOLDER.encode())
    return drawn
