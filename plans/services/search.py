"""Writes to the panel's full-text index (`SearchParagraph`)."""

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from plans.models import PlanVersion, SearchParagraph, Submission
from plans.search import acronym_text, narrative_paragraphs, normalise_spelling


@transaction.atomic
def search_index_version(*, version: PlanVersion) -> int:
    """Index the paragraphs of a version just sent to the ministry, replacing the plan's earlier
    sent versions in the index; returns the number of paragraphs. Idempotent.

    Called by the delivery service in the transaction that records the submission as sent."""
    SearchParagraph.objects.filter(plan_id=version.plan_id).delete()
    rows = []
    for theme in version.content.get("themes", []):
        for position, text in narrative_paragraphs(theme.get("narrative", "")):
            rows.append(
                SearchParagraph(
                    plan_id=version.plan_id,
                    version_id=version.pk,
                    theme_number=theme["number"],
                    position=position,
                    text=text,
                    normalised_text=normalise_spelling(text),
                    acronyms=acronym_text(text),
                )
            )
    SearchParagraph.objects.bulk_create(rows)
    if connection.vendor == "postgresql" and rows:
        SearchParagraph.objects.filter(version_id=version.pk).update(
            english_vector=SearchVector("normalised_text", config="english"),
            acronym_vector=SearchVector("acronyms", config="simple"),
        )
    return len(rows)


def search_index_backfill() -> int:
    """Index the latest sent version of every plan (for versions sent before the index
    existed); returns how many versions were indexed."""
    sent = Submission.objects.filter(status=Submission.Status.SENT)
    latest = {}
    for plan_id, version_id in sent.order_by("plan_id", "sent_at", "pk").values_list(
        "plan_id", "version_id"
    ):
        latest[plan_id] = version_id
    versions = PlanVersion.objects.filter(pk__in=latest.values()).filter(
        Exists(sent.filter(version_id=OuterRef("pk")))
    )
    count = 0
    for version in versions.iterator(chunk_size=50):
        search_index_version(version=version)
        count += 1
    return count
