"""Sessions: idle and absolute limits, browser-close cookies, "remember me", the keep-alive
endpoint, and text posted after the session ended coming back after sign-in."""

import time

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.urls import reverse

from plans.models import ThemeSection
from productivity import sessions
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in_by_form(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _set_clocks(client, **values):
    session = client.session
    for key, seconds_ago in values.items():
        session[key] = int(time.time()) - seconds_ago
    session.save()


def _tasklist(plan):
    return reverse("plans:tasklist", args=[plan.pk])


def _theme(plan, number=1):
    return reverse("plans:section_edit", args=[plan.pk, number])


def test_session_starts_its_clocks_at_sign_in_and_cycles_the_key(client, officer):
    before = client.session.session_key
    assert before
    _signed_in_by_form(client, officer)
    now = int(time.time())
    assert client.session.session_key != before
    assert now - 2 <= client.session[sessions.SIGNED_IN_AT] <= now
    assert client.session[sessions.LAST_ACTIVITY] == client.session[sessions.SIGNED_IN_AT]


def test_session_cookie_ends_with_the_browser_by_default(client, officer):
    response = _signed_in_by_form(client, officer)
    cookie = response.cookies["sessionid"]
    assert (cookie["max-age"], cookie["expires"]) == ("", "")
    assert client.session.get_expire_at_browser_close() is True


def test_session_idle_for_30_minutes_is_signed_out(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1800})
    response = client.get(_tasklist(plan))
    assert (response.status_code, response["Location"]) == (
        302,
        f"/sign-in/?next={_tasklist(plan)}",
    )
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "You were signed out for your security. Sign in again."
    ]


def test_session_just_under_the_idle_limit_stays_and_records_the_activity(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1790})
    response = client.get(_tasklist(plan))
    assert response.status_code == 200
    assert int(time.time()) - client.session[sessions.LAST_ACTIVITY] <= 2
    assert int(client.session["_auth_user_id"]) == officer.pk


def test_session_idle_limit_comes_from_settings(client, officer, plan, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 61})
    assert client.get(_tasklist(plan)).status_code == 302


def test_session_ends_12_hours_after_sign_in_however_active(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.SIGNED_IN_AT: 43200, sessions.LAST_ACTIVITY: 5})
    response = client.get(_tasklist(plan))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_session_background_polling_does_not_count_as_activity(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 600})
    recorded = client.session[sessions.LAST_ACTIVITY]
    response = client.get(_tasklist(plan), headers={"X-Session-Activity": "background"})
    assert response.status_code == 200
    assert client.session[sessions.LAST_ACTIVITY] == recorded
    client.get(_tasklist(plan))
    assert client.session[sessions.LAST_ACTIVITY] > recorded


def test_session_remember_keeps_the_cookie_to_the_absolute_limit(officer):
    request = RequestFactory().post("/sign-in/")
    SessionMiddleware(lambda request: None).process_request(request)
    request.session[sessions.SIGNED_IN_AT] = int(time.time()) - 3600
    sessions.session_remember(request)
    assert request.session.get_expire_at_browser_close() is False
    assert 43200 - 3600 - 5 <= request.session.get_expiry_age() <= 43200 - 3600


def test_keep_alive_records_activity_and_says_how_long_is_left(client, officer):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1700})
    response = client.post(reverse("session_keep_alive"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"seconds_left": 1800}
    assert int(time.time()) - client.session[sessions.LAST_ACTIVITY] <= 1


def test_keep_alive_after_the_session_ended_is_a_401(client, officer):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1800})
    response = client.post(reverse("session_keep_alive"), headers={"Accept": "application/json"})
    assert (response.status_code, response.json()) == (401, {"signed_out": True})


def _post_theme(client, plan, **extra):
    data = {
        "narrative": "Text typed while the session ran out.",
        "is_complete": "no",
        "base_edit_count": "0",
        "csrfmiddlewaretoken": "token",
        **extra,
    }
    return client.post(_theme(plan), data)


def test_signed_out_post_is_kept_and_shown_once_after_sign_in(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1800})
    response = _post_theme(client, plan, new_password="never-kept")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/sign-in/?next={_theme(plan)}",
    )
    kept = client.session[sessions.STASH][_theme(plan)]["fields"]
    assert kept == {
        "narrative": ["Text typed while the session ran out."],
        "is_complete": ["no"],
        "base_edit_count": ["0"],
    }
    assert ThemeSection.objects.get(plan=plan, theme__number=1).narrative == ""

    signed_in = client.post(
        f"/sign-in/?next={_theme(plan)}",
        {"username": officer.email, "password": PASSWORD, "next": _theme(plan)},
    )
    assert (signed_in.status_code, signed_in["Location"]) == (302, _theme(plan))
    page = client.get(_theme(plan))
    html = page.content.decode()
    assert page.status_code == 200
    assert "You were signed out. Your unsaved text is below: check it and save." in html
    assert page.context["form"].initial["narrative"] == "Text typed while the session ran out."
    assert page.context["form"].initial["base_edit_count"] == "0"
    assert sessions.STASH not in client.session

    again = client.get(_theme(plan))
    assert "Your unsaved text is below" not in again.content.decode()
    assert again.context["form"].initial["narrative"] == ""


def test_signed_out_post_comes_back_only_on_its_own_page(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1800})
    _post_theme(client, plan)
    client.force_login(officer)
    other = client.get(_theme(plan, 2))
    assert "Your unsaved text is below" not in other.content.decode()
    assert list(client.session[sessions.STASH]) == [_theme(plan)]


def test_signed_out_post_is_kept_for_an_hour_only(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1800})
    _post_theme(client, plan)
    session = client.session
    session[sessions.STASH][_theme(plan)]["at"] -= 3600
    session.save()
    client.force_login(officer)
    page = client.get(_theme(plan))
    assert "Your unsaved text is below" not in page.content.decode()
    assert page.context["form"].initial["narrative"] == ""
    assert sessions.STASH not in client.session


def test_signed_out_autosave_gets_a_401_and_keeps_nothing(client, officer, plan):
    client.force_login(officer)
    _set_clocks(client, **{sessions.LAST_ACTIVITY: 1800})
    response = client.post(
        _theme(plan),
        {"narrative": "Autosaved text", "base_edit_count": "0"},
        headers={"Accept": "application/json"},
    )
    assert (response.status_code, response.json()) == (401, {"signed_out": True})
    assert sessions.STASH not in client.session
