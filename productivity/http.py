import ipaddress

from django.conf import settings


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address for the audit log, always a valid IP address or None.

    Without trusted proxies (TRUSTED_PROXY_HOPS=0, the default) it is REMOTE_ADDR: a client can
    send any X-Forwarded-For it likes. Behind N proxies that each append the address they saw,
    it is the Nth address from the right of X-Forwarded-For, the one our outermost proxy saw.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops:
            address = _ip(forwarded[-hops])
            if address:
                return address
    return _ip(request.META.get("REMOTE_ADDR", ""))


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")
