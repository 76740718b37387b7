"""The panel's codebook and coded extracts: what the panel makes of the plans, seen by it only.

A round has its own codebook (codes in at most two levels). A coded extract is a passage of one
submitted version (a whole paragraph or a character range of it) with the codes the panel gave
it; it belongs to that version, so it keeps showing the same words after a correction is sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower


class Code(models.Model):
    """A code of a round's codebook: a name, a definition and an optional parent."""

    round = models.ForeignKey("plans.Round", on_delete=models.PROTECT, related_name="codes")
    name = models.CharField("name", max_length=120)
    definition = models.TextField("definition")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        verbose_name="parent code",
    )
    retired_at = models.DateTimeField("retired", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="merged_codes",
        null=True,
        blank=True,
        verbose_name="merged into",
    )
    created_at = models.DateTimeField("added", auto_now_add=True)

    class Meta:
        verbose_name = "code"
        ordering = ["round", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "round",
                condition=Q(retired_at__isnull=True),
                name="code_unique_active_name_per_round",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="code_has_a_name"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="code_not_its_own_parent"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(retired_at__isnull=False),
                name="code_merged_is_retired",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


class CodedExtract(models.Model):
    """A passage of a submitted version that the panel coded, with its words as they were."""

    version = models.ForeignKey(
        "plans.PlanVersion", on_delete=models.PROTECT, related_name="coded_extracts"
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="coded_extracts")
    theme_number = models.PositiveSmallIntegerField("theme")
    anchor = models.CharField("paragraph anchor", max_length=40)
    paragraph = models.PositiveIntegerField("paragraph number")
    start = models.PositiveIntegerField("first character")
    end = models.PositiveIntegerField("after the last character")
    quote = models.TextField("quoted text")
    codes = models.ManyToManyField(Code, through="ExtractCode", related_name="extracts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("coded", auto_now_add=True)

    class Meta:
        verbose_name = "coded extract"
        ordering = ["plan", "version", "theme_number", "paragraph", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="extract_range_ordered"),
            models.CheckConstraint(condition=~Q(quote=""), name="extract_has_a_quote"),
            # One extract per passage: codes given to the same words gather on it.
            models.UniqueConstraint(
                fields=["version", "anchor", "start", "end"], name="extract_one_per_passage"
            ),
        ]

    def __str__(self):
        return f"Extract of {self.anchor} in {self.version}"


class ExtractCode(models.Model):
    """One code applied to one extract (an extract carries each code at most once)."""

    extract = models.ForeignKey(CodedExtract, on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField("applied", auto_now_add=True)

    class Meta:
        verbose_name = "code applied to an extract"
        ordering = ["extract", "code__name"]
        constraints = [
            models.UniqueConstraint(fields=["extract", "code"], name="extract_code_once"),
        ]

    def __str__(self):
        return f"{self.code} on extract {self.extract_id}"


class CodeMemo(models.Model):
    """One text of a code's memo; the latest is the memo, the earlier ones are its history."""

    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="memos")
    text = models.TextField("memo", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField("written", auto_now_add=True)

    class Meta:
        verbose_name = "code memo"
        ordering = ["code", "-written_at", "-pk"]

    def __str__(self):
        return f"Memo on {self.code} by {self.author.full_name}"
