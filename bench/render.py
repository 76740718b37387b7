"""Render time through the pipeline against WeasyPrint directly, and peak render memory.

Three plans that carry evidence as real ones do, built through the evidence services in a
transaction that is rolled back: a typical plan (twelve paragraphs a theme, a KPI with its SVG
chart, actions done and to do, savings, a barrier, spend figures, partners and a real sign-off
record), the longest demo plan (Sevenoaks: its narrative, ten KPIs with charts and its actions),
and the typical plan with thirty KPIs.

Pipeline: frozen content -> HTML template (charts included) -> fenced render process (memory
cap, time limit) -> PDF bytes. Direct: WeasyPrint rendering the same HTML in this process. The
fence's own cost is the pipeline less the HTML step, against direct. Median of RUNS each,
interleaved so both see the same machine load, and the median of the run-by-run ratios, which
a drifting machine load moves less. CPU seconds a render (the mean: this process and its render
processes, the first render in a fresh render process included) are the steadier measure on a
busy machine, where waiting for a processor swamps the wall-clock figures. Peak memory is the
rendering process's peak resident memory during a render, as the render reports it.
"""

import os
import resource
import time
from datetime import date
from decimal import Decimal

from setup import django_ready, median

RUNS = int(os.environ.get("BENCH_RUNS", "9"))


class _Rollback(Exception):
    pass


def typical_plan():
    """The evidence helper's plan with twelve paragraphs a theme; returns (version, sign-off)."""
    from plans.models import Plan
    from plans.selectors.signoff import sign_off_record_for_version
    from plans.services.signoff import plan_start_correction
    from tests.submission.evidence import evidence_plan
    from tests.submission.factories import approved_version

    built = evidence_plan()
    plan = Plan.objects.get(pk=built.version.plan_id)
    plan_start_correction(plan=plan, user=built.officer)  # rewritten at twelve paragraphs
    version = approved_version(plan, paragraphs=12, created_by=built.officer)
    return version.content, sign_off_record_for_version(version)


def sevenoaks_plan():
    from councils.models import Council
    from plans.content import plan_content
    from plans.demo import demo_seed
    from plans.models import Plan
    from plans.services.length_meter import EMPTY_SIGN_OFF

    demo_seed()
    plan = Plan.objects.get(council=Council.objects.get(gss_code="E07000111"))
    return plan_content(plan), EMPTY_SIGN_OFF


def thirty_kpi_plan():
    """The typical plan with 29 more quarterly KPIs (eight quarters each) across the themes."""
    from plans.models import Plan
    from plans.selectors.signoff import sign_off_record_for_version
    from plans.services import kpis as services
    from plans.services.signoff import plan_start_correction
    from tests.submission.evidence import KPI, evidence_plan
    from tests.submission.factories import approved_version

    built = evidence_plan()
    plan = Plan.objects.get(pk=built.version.plan_id)
    plan_start_correction(plan=plan, user=built.officer)  # a draft again, to add the KPIs
    for index in range(29):
        fields = {
            **KPI,
            "code": f"LPI {index + 2}",
            "name": f"Measure {index + 2} of how well the service works for residents",
            "higher_is_better": index % 3 != 0,
            "target_value": Decimal(60 + index),
        }
        kpi = services.kpi_create(
            plan_id=plan.pk, theme_number=index % 4 + 1, fields=fields, user=built.officer
        )
        for quarter in range(8):
            services.kpi_value_set(
                plan_id=plan.pk,
                kpi_id=kpi.pk,
                base_edit_count=kpi.edit_count,
                user=built.officer,
                period_start=date(2022 + quarter // 4, 4 + 3 * (quarter % 4), 1)
                if quarter % 4 < 3
                else date(2023 + quarter // 4, 1, 1),
                value=Decimal(50 + (index * 7 + quarter * 3) % 40),
            )
            kpi.edit_count += 1
    version = approved_version(plan, paragraphs=12, created_by=built.officer)
    return version.content, sign_off_record_for_version(version)


def measure(name: str, content: dict, sign_off: dict) -> None:
    from weasyprint import HTML

    from plans.content import content_sha256
    from plans.pdf.document import plan_pdf_html
    from plans.pdf.render import PDF_VARIANT, PORTAL_ORIGIN, PortalURLFetcher, render_isolated

    sha = content_sha256(content)

    def html_for():
        return plan_pdf_html(content=content, reference=sha[:12], sha256=sha, sign_off=sign_off)

    def direct_render(html):
        HTML(string=html, base_url=PORTAL_ORIGIN + "/", url_fetcher=PortalURLFetcher()).write_pdf(
            pdf_variant=PDF_VARIANT
        )

    html = html_for()
    render_isolated(html)  # warm both paths
    direct_render(html)
    pipeline, templating, direct, peaks = [], [], [], []
    pipeline_cpu = direct_cpu = 0.0
    result = None
    children_before = _children_cpu()
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        fresh = html_for()
        rendered = time.perf_counter()
        result = render_isolated(fresh)
        finished = time.perf_counter()
        pipeline_cpu += time.process_time() - cpu
        pipeline.append(finished - started)
        templating.append(rendered - started)
        peaks.append(result.peak_memory_kb)
        started, cpu = time.perf_counter(), time.process_time()
        direct_render(html)
        direct.append(time.perf_counter() - started)
        direct_cpu += time.process_time() - cpu
    pipeline_cpu += _children_cpu() - children_before
    p, t, d = median(pipeline), median(templating), median(direct)
    paired = median([a / b for a, b in zip(pipeline, direct, strict=True)])
    kpis = sum(len(theme.get("kpis", [])) for theme in content["themes"])
    print(
        f"{name}: {result.page_count} pages ({result.body_pages} of themes), {kpis} KPIs, "
        f"{len(html) // 1024} KB of HTML; pipeline median {p:.3f}s (HTML {t:.3f}s), WeasyPrint "
        f"direct median {d:.3f}s, ratio {p / d:.2f} (run by run {paired:.2f}; fence alone "
        f"{(p - t) / d:.2f}; runs={RUNS}); CPU a render {pipeline_cpu / RUNS:.3f}s against "
        f"{direct_cpu / RUNS:.3f}s, ratio {pipeline_cpu / direct_cpu:.2f}; "
        f"peak render memory {max(peaks) / 1024:.0f} MB"
    )


def _children_cpu() -> float:
    """CPU seconds of every render process so far: this one's is stopped and every child
    collected first, because a process's CPU is counted here only once it has been reaped."""
    from plans.pdf import render

    stop = getattr(render, "render_process_stop", None)
    if stop is not None:
        stop()
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    django_ready()
    from django.db import transaction

    try:
        with transaction.atomic():
            plans = [
                ("typical plan", typical_plan()),
                ("longest demo plan (Sevenoaks)", sevenoaks_plan()),
                ("30-KPI plan", thirty_kpi_plan()),
            ]
            raise _Rollback
    except _Rollback:
        pass
    for name, (content, sign_off) in plans:
        measure(name, content, sign_off)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"benchmark process (the worker's stand-in) peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
