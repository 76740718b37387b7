"""Render time through the pipeline against WeasyPrint directly, and peak render memory.

Pipeline: frozen content -> HTML template -> fenced child process (memory cap, time limit) ->
PDF bytes. Direct: WeasyPrint rendering the same HTML in this process. Median of RUNS each,
interleaved so both see the same machine load.
"""

import os
import resource
import time

from setup import django_ready, median

RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def content_for(narratives: dict[int, str]) -> dict:
    from plans.letter_2024 import THEMES_2024

    return {
        "schema": 1,
        "council": {"gss_code": "E07000111", "name": "Sevenoaks District Council"},
        "round": {"slug": "productivity-plans-2024", "name": "Productivity plans 2024"},
        "themes": [
            {
                "number": theme["number"],
                "title": theme["title"],
                "short_title": theme["short_title"],
                "narrative": narratives.get(theme["number"], ""),
            }
            for theme in THEMES_2024
        ],
    }


def measure(name: str, content: dict) -> None:
    from weasyprint import HTML

    from plans.content import content_sha256
    from plans.pdf.document import plan_pdf_html
    from plans.pdf.render import PDF_VARIANT, PORTAL_ORIGIN, PortalURLFetcher, render_isolated
    from plans.services.length_meter import EMPTY_SIGN_OFF

    sha = content_sha256(content)

    def html_for():
        return plan_pdf_html(
            content=content, reference=sha[:12], sha256=sha, sign_off=EMPTY_SIGN_OFF
        )

    html = html_for()
    render_isolated(html)  # warm both paths
    HTML(string=html, base_url=PORTAL_ORIGIN + "/", url_fetcher=PortalURLFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT
    )
    pipeline, direct, peaks = [], [], []
    result = None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = render_isolated(html_for())
        pipeline.append(time.perf_counter() - started)
        peaks.append(result.peak_memory_kb)
        started = time.perf_counter()
        HTML(string=html, base_url=PORTAL_ORIGIN + "/", url_fetcher=PortalURLFetcher()).write_pdf(
            pdf_variant=PDF_VARIANT
        )
        direct.append(time.perf_counter() - started)
    p, d = median(pipeline), median(direct)
    print(
        f"{name}: {result.page_count} pages ({result.body_pages} of themes), "
        f"{len(html) // 1024} KB of HTML; pipeline median {p:.3f}s, WeasyPrint direct median "
        f"{d:.3f}s, ratio {p / d:.2f} (runs={RUNS}); peak memory of the rendering process "
        f"{max(peaks) / 1024:.0f} MB"
    )


def main() -> None:
    django_ready(migrate=False)
    from plans.demo.narratives import NARRATIVES
    from tests.submission.factories import typical_narrative

    typical = {number: typical_narrative(number, 12) for number in range(1, 5)}
    measure("typical plan", content_for(typical))
    slug, longest = max(NARRATIVES.items(), key=lambda item: sum(map(len, item[1].values())))
    measure(f"longest demo plan ({slug})", content_for(longest))
    long = {number: typical_narrative(number, 45) for number in range(1, 5)}
    measure("long plan (4x45 paragraphs)", content_for(long))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"benchmark process (the worker's stand-in) peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
