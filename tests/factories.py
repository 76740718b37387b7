import factory
from django.utils import timezone

from councils.models import Council, Membership, User
from plans.codebook import codebook_seed
from plans.letter_2024 import THEMES_2024
from plans.models import Code, GuidingQuestion, Plan, Round, Theme, ThemeSection
from plans.rounds import round_seed_themes

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    full_name = factory.Faker("name", locale="en_GB")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _test_short_code(n: int) -> str:
    """Three characters starting with a digit (real councils' codes are letters only): 12,960
    distinct codes before they repeat, more than a whole test run makes."""
    rest = n % (36 * 36)
    return f"{n // (36 * 36) % 10}{_BASE36[rest // 36]}{_BASE36[rest % 36]}"


class CouncilFactory(factory.django.DjangoModelFactory):
    """A council that is not one of the 317 real ones (tests may also use real councils)."""

    class Meta:
        model = Council
        django_get_or_create = ["gss_code"]
        skip_postgeneration_save = True

    gss_code = factory.Sequence(lambda n: f"E99{n:06d}")
    short_code = factory.Sequence(lambda n: _test_short_code(n))
    name = factory.Sequence(lambda n: f"Testshire {n} District Council")
    nice_name = factory.Sequence(lambda n: f"Testshire {n}")
    tier = Council.Tier.DISTRICT
    region = "South East"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    role = Membership.Role.OFFICER
    title = "Policy officer"


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round with the 2024 letter's themes and questions (`themes=[...]` gives others,
    `themes=False` none)."""

    class Meta:
        model = Round
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test round {n}")
    slug = factory.Sequence(lambda n: f"test-round-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=30))
    deadline = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=60))
    ministry_email = "productivityplans@levellingup.gov.uk"

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        round_seed_themes(
            self, extracted or THEMES_2024, Theme=Theme, GuidingQuestion=GuidingQuestion
        )
        codebook_seed(self, Code=Code, Theme=Theme)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    council = factory.SubFactory(CouncilFactory)
    round = factory.SubFactory(RoundFactory)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if not create:
            return
        ThemeSection.objects.bulk_create(
            ThemeSection(plan=self, theme=theme) for theme in self.round.themes.all()
        )


def officer_of(council, **kwargs) -> User:
    return MembershipFactory(council=council, role=Membership.Role.OFFICER, **kwargs).user


def councillor_of(council, **kwargs) -> User:
    return MembershipFactory(council=council, role=Membership.Role.COUNCILLOR, **kwargs).user
