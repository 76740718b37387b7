import pytest

from tests.factories import CouncilFactory, PlanFactory, officer_of


@pytest.fixture
def council(db):
    return CouncilFactory()


@pytest.fixture
def plan(db, council):
    return PlanFactory(council=council)


@pytest.fixture
def officer(plan):
    return officer_of(plan.council)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client
