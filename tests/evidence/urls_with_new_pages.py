"""The portal's URLs plus two pages nobody has decided about, for the access matrix's guards."""

from django.http import HttpResponse
from django.urls import include, path


def gadget(request, gadget_id=None):
    return HttpResponse("A page added without an access decision")


urlpatterns = [
    path("", include("productivity.urls")),
    path("gadgets/", gadget, name="gadget_list"),
    path("gadgets/<int:gadget_id>/", gadget, name="gadget_detail"),
]
