"""The audit log's client address: never what a client claims, always a valid IP address."""

import pytest
from django.test import RequestFactory

from plans.models import AuditEvent, SignOffDecision
from productivity.http import client_ip
from tests.support.mfa import force_login_verified
from tests.support.signoff import record_cabinet, send


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", None, "203.0.113.9"),
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # a claim is ignored
        (0, "203.0.113.9", "unknown", "203.0.113.9"),
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),  # what our one proxy saw
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged first entry
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        (1, "10.0.0.2", "unknown", "10.0.0.2"),  # not an address: the connection's
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
        (2, "10.0.0.2", "198.51.100.1", "10.0.0.2"),  # fewer entries than proxies
        (0, "not-an-ip", None, None),
    ],
)
def test_client_ip_trusts_only_the_configured_proxy_hops(
    settings, hops, remote, forwarded, expected
):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(_request(remote, forwarded)) == expected


@pytest.mark.django_db
def test_approving_with_a_forged_forwarded_header_records_the_connection_address(
    client, ready_plan, officer, leader
):
    """On PostgreSQL the audit column is `inet`: a non-address once turned an approval into a
    500 and lost the decision."""
    sign_off = send(ready_plan, officer, [leader])
    record_cabinet(sign_off, officer)
    force_login_verified(client, leader)
    response = client.post(
        sign_off.get_absolute_url(),
        {"outcome": "approve", "declaration": "on", "version_sha256": sign_off.version.sha256},
        HTTP_X_FORWARDED_FOR="unknown",
    )
    assert response.status_code == 302
    assert SignOffDecision.objects.count() == 1
    event = AuditEvent.objects.get(action="sign_off_approved")
    assert event.ip_address == "127.0.0.1"
