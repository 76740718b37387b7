from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def accessibility(request):
    return render(request, "pages/accessibility.html")


@login_not_required
def cookies(request):
    return render(request, "pages/cookies.html")
