import pytest

from tests.support.evidence import make_kpi, one_of_each


@pytest.fixture
def kpi(plan, officer):
    return make_kpi(plan, officer)


@pytest.fixture
def items(plan, officer):
    return one_of_each(plan, officer)
