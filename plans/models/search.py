"""The panel's full-text index: one row per paragraph of each plan's latest sent version."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchParagraph(models.Model):
    """A paragraph of a version sent to the ministry, with its search vectors.

    Written only by `plans.services.search` when a submission is recorded as sent, so a draft,
    a version awaiting sign-off or an approved version not yet sent is never in the index. On
    PostgreSQL `english_vector` is the `english` configuration over the text with British
    spellings, and `acronym_vector` the `simple` configuration over its words in capitals; both
    have a GIN index (created by the migration on PostgreSQL only). On SQLite they stay empty.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.CASCADE, related_name="search_paragraphs"
    )
    theme_number = models.PositiveSmallIntegerField("theme")
    position = models.PositiveIntegerField(
        "paragraph",
        help_text="The paragraph's number in its theme, as the reading view anchors it.",
    )
    text = models.TextField("text", help_text="The paragraph as the council wrote it, as text.")
    normalised_text = models.TextField("text with British spellings")
    acronyms = models.TextField("words in capitals", blank=True)
    english_vector = SearchVectorField(null=True)
    acronym_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = "search paragraph"
        ordering = ["plan", "theme_number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "theme_number", "position"], name="search_paragraph_unique"
            ),
        ]

    def __str__(self):
        return f"Theme {self.theme_number}, paragraph {self.position} of {self.version}"
