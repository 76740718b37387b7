"""The panel's analysis under load: 317 submitted plans with evidence, 3,000 coded extracts
across 40 codes, gunicorn with 2 workers and 20 concurrent clients.

Uses the round `panel.py` builds (building it takes minutes; a later run reuses it), adds the
codes and coded extracts once, then measures the matrix, the structured-evidence page, a search
for a common phrase and a four-council compare, each beside the same minimal Django view as the
floor (see loadtest.py).
"""

import os

from loadtest import FLOOR, measure, serve, session_cookie
from panel import build, existing
from setup import django_ready

EXTRACTS = int(os.environ.get("BENCH_EXTRACTS", "3000"))
CODES = int(os.environ.get("BENCH_CODES", "40"))


def codebook(round_, member) -> list:
    """The round's seeded codebook, topped up to CODES active codes."""
    from plans.models import Code
    from plans.services.coding import code_add

    codes = list(Code.objects.filter(round=round_, retired_at__isnull=True).order_by("pk"))
    for number in range(len(codes), CODES):
        codes.append(
            code_add(
                user=member,
                round=round_,
                name=f"Benchmark theme {number:02d}",
                definition="A made-up code for the benchmark.",
            )
        )
    return codes[:CODES]


def coded(round_, member, plans) -> int:
    """EXTRACTS whole-paragraph extracts spread over the plans, each with one to three codes."""
    from plans.models import CodedExtract, ExtractCode, Submission
    from plans.selectors.coding import version_paragraphs

    have = CodedExtract.objects.filter(plan__round=round_).count()
    if have >= EXTRACTS:
        return have
    member.is_panel_lead = True
    member.save(update_fields=["is_panel_lead"])
    codes = codebook(round_, member)
    versions = {
        submission.plan_id: submission.version
        for submission in Submission.objects.filter(plan__in=plans).select_related("version")
    }
    per_plan = -(-EXTRACTS // len(plans))
    extracts, links = [], []
    for index, plan in enumerate(plans):
        version = versions[plan.pk]
        paragraphs = [p for p in version_paragraphs(version).values() if p.text.strip()]
        for n, paragraph in enumerate(paragraphs[:per_plan]):
            if len(extracts) == EXTRACTS:
                break
            extract = CodedExtract(
                version=version, plan=plan, theme_number=paragraph.theme_number,
                anchor=paragraph.anchor, paragraph=paragraph.index, start=0,
                end=len(paragraph.text), quote=paragraph.text, author=member,
            )  # fmt: skip
            extracts.append(extract)
            chosen = {codes[(index * 7 + n * k) % len(codes)] for k in (1, 3, 11)[: 1 + n % 3]}
            links.append((extract, chosen))
    CodedExtract.objects.bulk_create(extracts, batch_size=500)
    ExtractCode.objects.bulk_create(
        (
            ExtractCode(extract=extract, code=code, applied_by=member)
            for extract, chosen in links
            for code in chosen
        ),
        batch_size=1000,
    )
    return len(extracts)


def main() -> None:
    django_ready()
    from django.db import connection
    from django.utils import timezone

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    round_, member, plans = existing() or build(stamp)
    count = coded(round_, member, plans)
    print(f"{count} coded extracts across {CODES} codes in {len(plans)} plans", flush=True)
    cookie = session_cookie(member)
    four = "&".join(f"council={plan.council.gss_code}" for plan in plans[10:14])
    connection.close()
    slug = round_.slug
    with serve() as base:
        measure(base, cookie, [
            FLOOR,
            ("matrix (317 councils x 40 codes)", f"/panel/{slug}/matrix/"),
            ("structured evidence", f"/panel/{slug}/analysis/evidence/"),
            ("search \"shared services\"", f"/panel/{slug}/analysis/search/?q=shared+services"),
            ("compare four councils", f"/panel/{slug}/analysis/compare/?{four}"),
        ])  # fmt: skip


if __name__ == "__main__":
    main()
