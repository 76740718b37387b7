"""What the panel's pages keep, and when they stop keeping it: any write to the data under them,
by any means, and only a write."""

import importlib

import pytest
from django.db import connection
from django.urls import reverse

from councils.models import Council
from plans.models import Code, Plan
from plans.selectors.generation import SEQUENCE, TABLES, panel_cached, panel_data_generation
from tests.panel.factories import council, submitted_plan
from tests.panel.test_matrix import FIRST, code, named

pytestmark = pytest.mark.django_db


def test_every_table_the_kept_pages_read_has_its_triggers():
    migration = importlib.import_module("plans.migrations.0019_panel_data_generation")
    assert migration.TABLES == TABLES
    assert migration.SEQUENCE == SEQUENCE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'plans_panel_data_changed_%%'"
        )
        found = set(cursor.fetchall())
    assert found == {
        (table, f"plans_panel_data_changed_{kind}")
        for table in TABLES
        for kind in ("rows", "changes", "truncate")
    }


def test_the_generation_moves_on_a_write_and_only_on_a_write(round_):
    alpha = council("Alpha District Council")
    before = panel_data_generation()
    assert panel_data_generation() == before  # reading moves nothing
    Council.objects.filter(pk=alpha.pk).update(name=alpha.name)  # a change that changes nothing
    Plan.objects.filter(pk=-1).update(status="draft")  # an update that matches nothing
    assert panel_data_generation() == before
    Council.objects.filter(pk=alpha.pk).update(name="Alpha Renamed District Council")
    after_update = panel_data_generation()
    assert after_update > before
    plan = submitted_plan(alpha, round_)
    after_insert = panel_data_generation()
    assert after_insert > after_update
    Code.objects.filter(round=round_, parent__isnull=False).delete()
    assert panel_data_generation() > after_insert
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_a_kept_result_is_reused_until_the_data_changes(round_):
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert panel_cached(("probe", round_.pk), build) == 1
    assert panel_cached(("probe", round_.pk), build) == 1
    assert panel_cached(("another", round_.pk), build) == 2
    council("Beta District Council")
    assert panel_cached(("probe", round_.pk), build) == 3


def test_the_matrix_shows_a_passage_coded_after_it_was_drawn(panel_client, panel_user, round_):
    plan = submitted_plan(council("Alpha District Council"), round_)
    housing = named(round_, "Housing")
    url = reverse("plans:panel_matrix", args=[round_.slug])

    def housing_count():
        matrix = panel_client.get(url).context["matrix"]
        column = [column["label"] for column in matrix.columns].index("Housing")
        return matrix.totals[column]

    assert housing_count() == 0
    assert housing_count() == 0  # kept
    code(panel_user, plan, FIRST, housing)
    assert housing_count() == 1


def test_structured_evidence_shows_a_plan_sent_after_it_was_drawn(panel_client, round_):
    url = reverse("plans:panel_analysis_evidence", args=[round_.slug])
    submitted_plan(council("Alpha District Council"), round_)
    assert panel_client.get(url).context["evidence"].plans == 1
    assert panel_client.get(url).context["evidence"].plans == 1  # kept
    submitted_plan(council("Beta District Council"), round_)
    assert panel_client.get(url).context["evidence"].plans == 2


def test_nothing_is_kept_when_the_setting_is_zero(settings, round_):
    settings.PANEL_CACHE_SECONDS = 0
    calls = []
    assert panel_data_generation() is None
    panel_cached(("probe",), lambda: calls.append(1))
    panel_cached(("probe",), lambda: calls.append(1))
    assert calls == [1, 1]


def test_past_the_byte_budget_the_oldest_kept_results_are_dropped(round_, monkeypatch):
    from plans.selectors import generation

    monkeypatch.setattr(generation, "MAX_BYTES", 100)
    generation.panel_cache_clear()
    calls = []

    def keep(key, label):
        return panel_cached(
            (key, round_.pk), lambda: calls.append(label) or label, size=lambda _: 60
        )

    assert keep("a", "a1") == "a1"
    assert keep("a", "a2") == "a1"  # kept: 60 bytes of 100
    assert keep("b", "b1") == "b1"  # 120 bytes: "a" is dropped
    assert keep("b", "b2") == "b1"
    assert keep("a", "a3") == "a3"
    assert calls == ["a1", "b1", "a3"]
    generation.panel_cache_clear()
