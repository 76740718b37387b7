"""Seeding a round's themes and guiding questions from a definition such as the 2024 letter.

One loop for the migration that loads the 2024 round, the demo's open round and the test
factory. It takes the model classes as arguments so a migration can pass its historical models.
"""

from collections.abc import Iterable

# Theme fields a definition may give, besides its number and questions.
THEME_FIELDS = ("title", "short_title", "introduction", "collects_barriers")


def round_seed_themes(round_, themes: Iterable[dict], *, Theme, GuidingQuestion) -> None:  # noqa: N803
    """Create or update the round's themes and their numbered questions from `themes`; running
    it twice changes nothing."""
    # A migration's historical Theme may predate a field (0002 runs before collects_barriers).
    known = {field.name for field in Theme._meta.get_fields()}
    for definition in themes:
        theme, created = Theme.objects.update_or_create(
            round=round_,
            number=definition["number"],
            defaults={
                name: definition[name]
                for name in THEME_FIELDS
                if name in known and name in definition
            },
        )
        questions = list(enumerate(definition["questions"], start=1))
        if created:
            GuidingQuestion.objects.bulk_create(
                GuidingQuestion(theme=theme, number=number, text=text) for number, text in questions
            )
            continue
        for number, text in questions:
            GuidingQuestion.objects.update_or_create(
                theme=theme, number=number, defaults={"text": text}
            )
