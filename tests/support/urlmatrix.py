"""Every URL pattern of the portal, requested as each kind of user, and the database writes a
request makes.

`url_patterns()` walks the URL resolver, so a page added to any urls.py is found without being
listed here. Each pattern is known by its full name (`plans:section_edit`, `admin:index`), or by
its full route when it has no name (the admin's redirects from an object's bare address).
`table_writes()` reads PostgreSQL's per-transaction counters of inserted, updated and deleted
rows, so a test can tell exactly which tables a request wrote to.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern


class MissingParameter(LookupError):
    pass


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the full route of an unnamed pattern
    route: str  # the full route, prefixes included
    parameters: tuple[str, ...]
    named: bool


def _route_text(pattern) -> str:
    """A pattern's own piece of the address, with a regex's anchors taken off."""
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$")
    return text


def _parameters(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def _walk(patterns, namespaces: tuple, prefix: str, parameters: tuple) -> Iterator[Pattern]:
    for entry in patterns:
        route = prefix + _route_text(entry.pattern)
        found = parameters + _parameters(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry.url_patterns, inner, route, found)
        elif isinstance(entry, URLPattern):
            if entry.name:
                yield Pattern(":".join((*namespaces, entry.name)), route, found, named=True)
            else:
                yield Pattern(route, route, found, named=False)


def url_patterns(urlconf=None) -> list[Pattern]:
    """Every pattern the URL configuration answers, in resolving order."""
    return list(_walk(get_resolver(urlconf).url_patterns, (), "", ()))


_ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
_REGEX_PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def url_for(pattern: Pattern, kwargs: dict, urlconf=None) -> str:
    """The address of a pattern with these parameters (an unnamed one cannot be reversed, so
    its route is filled in)."""
    if pattern.named:
        return reverse(pattern.key, kwargs=kwargs, urlconf=urlconf)
    path = _REGEX_PARAMETER.sub(lambda m: str(kwargs[m.group(1)]), pattern.route)
    path = _ROUTE_PARAMETER.sub(lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path


def kwargs_for(pattern: Pattern, values: dict[str, object], overrides: dict) -> dict:
    """Values for each parameter of the pattern: the pattern's own, else the shared ones (a
    callable value is asked with the pattern). Raises MissingParameter for one with neither."""
    kwargs = {}
    for name in pattern.parameters:
        own = overrides.get(pattern.key, {})
        if name in own:
            value = own[name]
        elif name in values:
            value = values[name]
        else:
            raise MissingParameter(f"no object for parameter {name} of pattern {pattern.key}")
        if callable(value):
            value = value(pattern)
        if value is None:
            raise MissingParameter(f"no object for parameter {name} of pattern {pattern.key}")
        kwargs[name] = value
    return kwargs


# --- Database writes ---------------------------------------------------------------------------


def table_writes() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted per table so far in this transaction (PostgreSQL
    counts them whether or not a savepoint is later rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {name: (ins, upd, dele) for name, ins, upd, dele in cursor.fetchall()}


def writes_between(before: dict, after: dict) -> dict[str, tuple[int, int, int]]:
    """Tables with rows written between two `table_writes()` readings, and how many."""
    changed = {}
    for table, counts in after.items():
        earlier = before.get(table, (0, 0, 0))
        if counts != earlier:
            changed[table] = tuple(now - then for now, then in zip(counts, earlier, strict=True))
    return changed


@dataclass(frozen=True)
class Outcome:
    status: int
    location: str
    writes: dict
    counters: dict  # `table_writes()` after the request, to start the next one from


def request_undone(client, method: str, url: str, counters: dict | None = None) -> Outcome:
    """Make one request, then undo it: its database changes are rolled back and the client's
    cookies put back, so every request meets the same world and the same session. `counters`
    is the previous outcome's, when nothing has happened since (it saves reading them again)."""
    kept = dict(client.cookies)  # the client replaces morsels, it never changes one
    with transaction.atomic():
        before = table_writes() if counters is None else counters
        response = getattr(client, method)(url)
        after = table_writes()
        transaction.set_rollback(True)
    client.cookies = SimpleCookie()
    for name, morsel in kept.items():
        client.cookies[name] = morsel
    return Outcome(
        response.status_code, response.get("Location", ""), writes_between(before, after), after
    )
