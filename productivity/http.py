def client_ip(request) -> str | None:
    """The client's address for the audit log (the proxy's X-Forwarded-For in production)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")
