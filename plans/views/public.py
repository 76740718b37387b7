"""What residents see without signing in: plans that have been submitted, and their PDFs."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans import selectors
from plans.pdf.document import document_context


@login_not_required
@require_safe
def published_plan(request, gss_code, round_slug):
    submission = selectors.submission_published(gss_code=gss_code, round_slug=round_slug)
    version = submission.version
    document = document_context(
        content=version.content,
        reference=version.reference,
        sha256=version.sha256,
        sign_off=selectors.sign_off_record_for_version(version),
    )
    return render(
        request,
        "plans/public/plan.html",
        {
            "submission": submission,
            "plan": submission.plan,
            "document": document,
            "kpis": [kpi for theme in document["themes"] for kpi in theme["kpis"]],
        },
    )


@login_not_required
@require_safe
def published_plan_pdf(request, gss_code, round_slug):
    submission = selectors.submission_published(gss_code=gss_code, round_slug=round_slug)
    filename = f"{gss_code}-{round_slug}-productivity-plan-{submission.version.reference}.pdf"
    response = HttpResponse(bytes(submission.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response
