"""The panel's heaviest pages are drawn once and served again until their data changes
(plans/views/kept.py): what is served again must still be each reader's own page."""

import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from councils.models import Council
from plans.views.kept import CSRF_PLACEHOLDER, render_kept
from tests.panel.factories import council, panel_member, submitted_plan
from tests.support.mfa import force_login_verified

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNREAD = '<strong class="govuk-tag govuk-tag--blue">Unread</strong>'


def _row(html: str, gss_code: str) -> str:
    return re.search(rf'<tr class="govuk-table__row" data-gss="{gss_code}">.*?</tr>', html).group()


def test_a_page_served_again_carries_the_readers_token_messages_and_read_state(round_, panel_user):
    alpha = council("Alpha District Council")
    submitted_plan(alpha, round_)
    client = Client(enforce_csrf_checks=True)
    force_login_verified(client, panel_user)
    tracker = reverse("plans:panel_tracker", args=[round_.slug])
    reading = reverse("plans:panel_plan", args=[round_.slug, alpha.gss_code])

    assert UNREAD in _row(client.get(tracker).content.decode(), alpha.gss_code)
    drawn = client.get(reading).content.decode()
    served = client.get(reading).content.decode()  # kept: nothing changed
    assert CSRF_PLACEHOLDER not in served
    tokens = TOKEN.findall(served)
    # The layout's two sign-out forms, the keep-alive form, mark as unread, the note form and
    # each paragraph's coding controls: every one with a token of this session, none empty.
    assert len(tokens) >= 5 and all(tokens)
    assert TOKEN.sub("", served) == TOKEN.sub("", drawn)
    assert "(read)" in _row(client.get(tracker).content.decode(), alpha.gss_code)

    # The token of the kept page is accepted; the tracker it returns to (this reader's unread
    # state, kept from the first visit) shows the message of this request.
    mark_unread = reverse("plans:panel_mark_unread", args=[round_.slug, alpha.gss_code])
    token = re.search(
        rf'action="{re.escape(mark_unread)}">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        served,
    ).group(1)
    response = client.post(mark_unread, {"csrfmiddlewaretoken": token}, follow=True)
    assert response.redirect_chain == [(tracker, 302)]
    page = response.content.decode()
    assert "Alpha District Council’s plan is marked as unread." in page
    assert UNREAD in _row(page, alpha.gss_code)
    # Without the token, the same form is refused.
    assert client.post(mark_unread).status_code == 403


def test_a_page_served_again_is_drawn_afresh_when_its_data_changes(panel_client, round_):
    alpha = council("Alpha District Council")
    submitted_plan(alpha, round_)
    url = reverse("plans:panel_tracker", args=[round_.slug])
    assert "Alpha District Council" in _row(panel_client.get(url).content.decode(), alpha.gss_code)
    assert "Alpha District Council" in _row(panel_client.get(url).content.decode(), alpha.gss_code)
    Council.objects.filter(pk=alpha.pk).update(name="Alpha Renamed District Council")
    row = _row(panel_client.get(url).content.decode(), alpha.gss_code)
    assert "Alpha Renamed District Council" in row


def test_each_reader_is_served_their_own_page(round_, panel_user):
    alpha = council("Alpha District Council")
    submitted_plan(alpha, round_)
    other = panel_member(email="other@example.gov.uk", full_name="Olu Other")
    url = reverse("plans:panel_plan", args=[round_.slug, alpha.gss_code])
    pages = {}
    for user in (panel_user, other, panel_user):
        client = Client()
        force_login_verified(client, user)
        pages.setdefault(user.email, []).append(client.get(url).content.decode())
    assert "(panel@example.gov.uk)" in pages["panel@example.gov.uk"][1]
    assert "(other@example.gov.uk)" in pages["other@example.gov.uk"][0]
    assert "panel@example.gov.uk" not in pages["other@example.gov.uk"][0]


def test_only_a_page_that_extends_the_layout_can_be_kept(panel_user):
    request = RequestFactory().get("/panel/")
    request.user = panel_user
    with pytest.raises(ValueError, match="must start with"):
        render_kept(request, "plans/panel/_nav.html", ("probe",), dict)
