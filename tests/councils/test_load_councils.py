"""`manage.py load_councils`: the 317 English councils from the CSV the repository ships."""

import io
import re

import pytest
from django.core.management import call_command

from councils.models import Council
from councils.services import COUNCILS_CSV

pytestmark = pytest.mark.django_db


def test_the_command_loads_every_council_from_the_shipped_csv():
    assert COUNCILS_CSV.is_file()
    out = io.StringIO()
    call_command("load_councils", stdout=out)
    assert Council.objects.count() == 317
    durham = Council.objects.get(gss_code="E06000047")
    assert (durham.name, durham.tier) == ("Durham County Council", "unitary")
    created, updated = (int(n) for n in re.findall(r"(\d+) (?:created|updated)", out.getvalue()))
    assert created + updated == 317
