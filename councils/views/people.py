"""People pages: the council's and the ministry's People pages, invitations and accepting them."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from councils import permissions, selectors
from councils.forms import (
    AcceptInvitationForm,
    FirstOfficerInvitationForm,
    InvitationForm,
    MembershipChangeForm,
    PanelInvitationForm,
)
from councils.models import Council, Membership
from councils.services import people as services
from plans.services.errors import is_invalid_transition
from plans.views.errors import WRONG_STATE, add_service_errors
from productivity.http import client_ip

FORBIDDEN = 403
GONE = 410
# Signing in after accepting: the password backend (others may sit before it in the list).
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _managed_council(request, gss_code) -> Council:
    """The council, if the user belongs to it (else 404), and manages its people (else 403)."""
    council = get_object_or_404(
        Council.objects.filter(permissions.people_council_scope(request.user)), gss_code=gss_code
    )
    permissions.require(request.user, "people_manage", council)
    return council


def _council_people_page(request, council, *, form=None, status=200):
    return render(
        request,
        "councils/people/council_people.html",
        {
            "council": council,
            "people": selectors.council_people(council=council),
            "invitations": selectors.invitations_pending(council=council),
            "events": selectors.people_events(council=council),
            "form": form or InvitationForm(),
        },
        status=status,
    )


def council_people(request, gss_code):
    """The council's people, its pending invitations, the history of changes, and the form to
    invite someone."""
    council = _managed_council(request, gss_code)
    if request.method != "POST":
        return _council_people_page(request, council)
    form = InvitationForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                inviter=request.user,
                council=council,
                **form.cleaned_data,
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("councils:people", gss_code=council.gss_code)
    return _council_people_page(request, council, form=form, status=status)


def _membership(request, gss_code, membership_id) -> Membership:
    council = _managed_council(request, gss_code)
    return get_object_or_404(
        Membership.objects.select_related("user", "council"), council=council, pk=membership_id
    )


def membership_change(request, gss_code, membership_id):
    """Change someone's role and whether they manage people."""
    membership = _membership(request, gss_code, membership_id)
    initial = {"role": membership.role, "manages_people": membership.manages_people}
    form = MembershipChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(
                membership_id=membership.pk,
                user=request.user,
                **form.cleaned_data,
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            status = add_service_errors(form, error)
        else:
            messages.success(request, f"{membership.user.full_name}’s role has been saved")
            return redirect("councils:people", gss_code=gss_code)
    return render(
        request,
        "councils/people/membership_change.html",
        {"membership": membership, "council": membership.council, "form": form},
        status=status,
    )


def membership_remove(request, gss_code, membership_id):
    """Confirm, then remove someone's role in the council."""
    membership = _membership(request, gss_code, membership_id)
    error = None
    if request.method == "POST":
        try:
            services.membership_remove(
                membership_id=membership.pk, user=request.user, ip_address=client_ip(request)
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            messages.success(
                request, f"{membership.user.full_name} has been removed from {membership.council}"
            )
            return redirect("councils:people", gss_code=gss_code)
    return render(
        request,
        "councils/people/membership_remove.html",
        {"membership": membership, "council": membership.council, "error": error},
        status=WRONG_STATE if error else 200,
    )


@require_POST
def invitation_resend(request, invitation_id):
    """Send an invitation again with a new link (the earlier link stops working)."""
    return _invitation_action(request, invitation_id, services.invitation_resend, "sent again")


@require_POST
def invitation_revoke(request, invitation_id):
    """Withdraw an invitation: its link stops working."""
    return _invitation_action(request, invitation_id, services.invitation_revoke, "withdrawn")


def _invitation_action(request, invitation_id, service, done: str):
    invitation = selectors.invitation_visible(user=request.user, pk=invitation_id)
    back = _back_to_people(request, invitation)
    try:
        service(invitation_id=invitation.pk, user=request.user, ip_address=client_ip(request))
    except ValidationError as refusal:
        return render(
            request,
            "councils/people/wrong_state.html",
            {"message": refusal.messages[0], "back": back},
            status=WRONG_STATE,
        )
    messages.success(request, f"The invitation to {invitation.email} has been {done}")
    return redirect(back)


def _back_to_people(request, invitation) -> str:
    """The People page the invitation is listed on for this user."""
    if invitation.council_id and permissions.can(request.user, "people_manage", invitation):
        return reverse("councils:people", args=[invitation.council.gss_code])
    return reverse("councils:ministry_people")


# --- The ministry's People page ---------------------------------------------------------------


def ministry_people(request):
    """Panel members, pending invitations of panel members and councils' first officers, and
    the forms to invite them (ministry administrators only)."""
    permissions.require(request.user, "ministry_people_manage", None)
    officer_form = FirstOfficerInvitationForm(prefix="officer")
    panel_form = PanelInvitationForm(prefix="panel")
    status = 200
    if request.method == "POST":
        if "invite_officer" in request.POST:
            officer_form = form = FirstOfficerInvitationForm(request.POST, prefix="officer")
        else:
            panel_form = form = PanelInvitationForm(request.POST, prefix="panel")
        if form.is_valid():
            try:
                if form is officer_form:
                    invitation = services.invitation_create_first_officer(
                        inviter=request.user, **form.cleaned_data, ip_address=client_ip(request)
                    )
                else:
                    invitation = services.invitation_create_panel_member(
                        inviter=request.user, **form.cleaned_data, ip_address=client_ip(request)
                    )
            except ValidationError as error:
                status = add_service_errors(form, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}")
                return redirect("councils:ministry_people")
    return render(
        request,
        "councils/people/ministry_people.html",
        {
            "panel_members": selectors.panel_members(),
            "panel_invitations": selectors.invitations_pending(council=None),
            "officer_invitations": selectors.first_officer_invitations_pending(),
            "events": selectors.people_events(council=None),
            "officer_form": officer_form,
            "panel_form": panel_form,
        },
        status=status,
    )


# --- Accepting an invitation ------------------------------------------------------------------


def _link_problem(request, message: str, status: int):
    return render(
        request, "councils/people/invitation_problem.html", {"message": message}, status=status
    )


@login_not_required
def invitation_accept(request, token):
    """Accept an invitation: a new account sets its name and password; someone who already has
    an account signs in first. Then they are signed in and go to their start page."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return _link_problem(request, "This invitation link is not valid", 404)
    try:
        services.invitation_ensure_usable(invitation)
    except ValidationError as refusal:
        return _link_problem(request, refusal.messages[0], GONE)
    wrong_account = services.invitation_wrong_account(invitation, request.user)
    if wrong_account and request.user.is_authenticated:
        return _link_problem(request, wrong_account, FORBIDDEN)
    existing = services.invitation_account(invitation)
    form = (
        None
        if existing
        else AcceptInvitationForm(request.POST if request.method == "POST" else None)
    )
    status = 200
    if request.method == "POST" and not wrong_account and (form is None or form.is_valid()):
        fields = form.cleaned_data if form else {}
        try:
            user = services.invitation_accept(
                token=token,
                user=request.user,
                full_name=fields.get("full_name", ""),
                password=fields.get("password1", ""),
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            if is_invalid_transition(error):
                return _link_problem(request, error.messages[0], GONE)
            if getattr(error, "code", None) == services.WRONG_ACCOUNT:
                return _link_problem(request, error.messages[0], FORBIDDEN)
            if form is None or not hasattr(error, "error_dict"):
                return _link_problem(request, error.messages[0], WRONG_STATE)
            status = add_service_errors(form, error)
        else:
            if not request.user.is_authenticated:
                login(request, user, backend=PASSWORD_BACKEND)
            messages.success(
                request, f"You have joined {invitation.council or 'the ministry panel'}"
            )
            return redirect("home")
    return render(
        request,
        "councils/people/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "sign_in_first": wrong_account,
            "sign_in_url": f"{reverse('login')}?next={request.path}",
        },
        status=status,
    )
