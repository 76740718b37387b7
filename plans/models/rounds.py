from django.db import models
from django.urls import reverse
from django.utils import timezone


class Round(models.Model):
    """A submission exercise, such as "Productivity plans 2024"."""

    name = models.CharField("name", max_length=200)
    slug = models.SlugField("slug", max_length=100, unique=True)
    opens_at = models.DateTimeField("opens")
    deadline = models.DateTimeField("deadline")
    ministry_email = models.EmailField("ministry email address")
    expected_pages_min = models.PositiveSmallIntegerField("expected length from (pages)", default=3)
    expected_pages_max = models.PositiveSmallIntegerField("expected length to (pages)", default=4)

    class Meta:
        verbose_name = "round"
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("opens_at")),
                name="round_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_pages_max__gte=models.F("expected_pages_min")),
                name="round_expected_pages_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open(self, now=None) -> bool:
        """Open for drafting once it opens; plans submitted after the deadline are marked late."""
        return self.opens_at <= (now or timezone.now())

    def is_past_deadline(self, now=None) -> bool:
        return (now or timezone.now()) > self.deadline


class Theme(models.Model):
    """One of a round's themes, with the Minister's guiding questions."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField("number")
    title = models.CharField("title", max_length=300)
    short_title = models.CharField("short title", max_length=100)
    introduction = models.TextField(
        "introduction", blank=True, help_text="Any words the letter puts before the questions."
    )
    collects_barriers = models.BooleanField(
        "collects barriers",
        default=False,
        help_text="Plans list the barriers the government could help remove under this theme "
        "(at most one theme a round).",
    )

    class Meta:
        verbose_name = "theme"
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="theme_unique_number"),
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(collects_barriers=True),
                name="theme_one_barriers_theme_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.short_title}"


class GuidingQuestion(models.Model):
    """A question from the letter that a theme's narrative should consider."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField("number")
    text = models.TextField("question")

    class Meta:
        verbose_name = "guiding question"
        ordering = ["theme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "number"], name="question_unique_number"),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("admin:plans_guidingquestion_change", args=[self.pk])
