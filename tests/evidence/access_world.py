"""One world for the URL × role access matrix: two councils, a plan in every state the portal's
addresses need, one of each kind of object they take, and a user of every role.

Council A is "ours": every URL parameter points at one of its objects. Council B's people are
the strangers who must not reach them.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice

from councils.models import Membership, WorkerHeartbeat
from councils.services.people import invitation_create, invitation_token
from plans.models import Code, PanelExport, PanelNote, Plan, ReminderSent, Revision
from plans.models.panel import DeadlineExtension
from plans.services.coding import code_memo_save, extract_code
from tests.factories import MembershipFactory, PlanFactory, UserFactory
from tests.panel.factories import council, panel_member, submitted_plan, test_round
from tests.submission.factories import version_sent_for_sign_off
from tests.support.evidence import one_of_each
from tests.support.mfa import totp_device_for

ROLES = (
    "signed_out",
    "officer_A",
    "officer_A_manages_people",
    "councillor_A",
    "statutory_officer_A",
    "officer_B",
    "officer_B_manages_people",
    "councillor_B",
    "statutory_officer_B",
    "panel",
    "panel_lead",
    "administrator",
)

Role = Membership.Role


def _member(council_, role, email, *, manages_people=False):
    return MembershipFactory(
        council=council_,
        role=role,
        manages_people=manages_people,
        user__email=email,
        title="Test role",
    ).user


def build_world(export_dir) -> dict:
    """Every object the portal's URL parameters name, and the users of every role."""
    ours = council("Alpha District Council")
    other = council("Bravo District Council")
    users = {"signed_out": None}
    for suffix, council_ in (("A", ours), ("B", other)):
        slug = suffix.lower()
        users[f"officer_{suffix}"] = _member(
            council_, Role.OFFICER, f"officer.{slug}@example.gov.uk"
        )
        users[f"officer_{suffix}_manages_people"] = _member(
            council_, Role.OFFICER, f"manager.{slug}@example.gov.uk", manages_people=True
        )
        users[f"councillor_{suffix}"] = _member(
            council_, Role.COUNCILLOR, f"councillor.{slug}@example.gov.uk"
        )
        users[f"statutory_officer_{suffix}"] = _member(
            council_, Role.STATUTORY_OFFICER, f"statutory.{slug}@example.gov.uk"
        )
    panel = users["panel"] = panel_member(email="panel@example.gov.uk")
    users["panel_lead"] = panel_member(email="lead@example.gov.uk", is_panel_lead=True)
    administrator = users["administrator"] = UserFactory(
        email="administrator@example.gov.uk", is_staff=True, is_superuser=True
    )
    officer = users["officer_A"]

    # A plan being drafted, with one of every kind of evidence item (a KPI with a value).
    drafting_round = test_round(name="Drafting round", slug="drafting-round")
    drafting = PlanFactory(council=ours, round=drafting_round, created_by=officer)
    items = one_of_each(drafting, officer)

    # A plan whose version 1 awaits councillor A's sign-off.
    sign_off_round = test_round(name="Sign-off round", slug="sign-off-round")
    awaiting = PlanFactory(council=ours, round=sign_off_round, created_by=officer)
    awaiting_version = version_sent_for_sign_off(
        awaiting, created_by=officer, councillor=users["councillor_A"], paragraphs=2
    )

    # A plan sent to the ministry (and so published), with its receipt and PDF.
    sent_round = test_round(name="Sent round", slug="sent-round")
    sent = submitted_plan(ours, sent_round)
    sent_version = sent.versions.get(number=1)

    # The panel's own records on the sent plan.
    note = PanelNote.objects.create(plan=sent, author=panel, text="A panel note")
    export_dir.mkdir(parents=True, exist_ok=True)
    zip_path = export_dir / "ready.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    export = PanelExport.objects.create(
        requested_by=panel,
        round=sent_round,
        status=PanelExport.Status.READY,
        done=1,
        total=1,
        file_path=str(zip_path),
        expires_at=timezone.now() + timezone.timedelta(hours=23),
    )
    housing = Code.objects.get(round=sent_round, name="Housing", retired_at__isnull=True)
    extract = extract_code(
        user=panel, plan=sent, version=sent_version, anchor="theme-1-p-1", codes=[housing]
    )
    code_memo_save(user=panel, code=housing, text="A memo on housing")

    # People: someone to change or remove, an invitation, a password-reset link.
    target = MembershipFactory(
        council=ours, role=Role.OFFICER, user__email="target.a@example.gov.uk", title="Analyst"
    )
    invitation = invitation_create(
        inviter=users["officer_A_manages_people"],
        council=ours,
        email="invitee.a@example.gov.uk",
        role=Role.COUNCILLOR,
    )

    # Rows for the admin's models that nothing above makes.
    Group.objects.create(name="Readers")
    StaticDevice.objects.create(user=administrator, name="Recovery codes", confirmed=True)
    totp_device_for(administrator)
    ReminderSent.objects.create(council=ours, round=drafting_round, days_before=14)
    access = {"user_agent": "Test", "ip_address": "192.0.2.1", "username": "someone@example.org"}
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    DeadlineExtension.objects.create(
        round=drafting_round,
        council=ours,
        deadline=drafting_round.deadline + timezone.timedelta(days=7),
        reason="Election period",
        granted_by=administrator,
    )
    WorkerHeartbeat.objects.create(worker="celery@test", last_seen=timezone.now())

    values = {
        "gss_code": ours.gss_code,
        "round_slug": sent_round.slug,
        "plan_id": drafting.pk,
        "theme_number": 1,
        "number": awaiting_version.number,
        "kpi_id": items["kpi"].pk,
        "value_id": items["value"].pk,
        "action_id": items["actions"].pk,
        "saving_id": items["savings"].pk,
        "barrier_id": items["barriers"].pk,
        "partner_id": items["partners"].pk,
        "strategy_id": items["strategies"].pk,
        "export_id": export.pk,
        "note_id": note.pk,
        "code_id": housing.pk,
        "extract_id": extract.pk,
        "membership_id": target.pk,
        "invitation_id": invitation.pk,
        "token": invitation_token(invitation),
        "uidb64": urlsafe_base64_encode(force_bytes(target.user.pk)),
        # The admin's parameters
        "app_label": "councils",
        "object_id": admin_object_id,
        "pk": admin_object_id,  # an authenticator app's QR code page
        "id": target.user.pk,  # the admin's "change password" for a user
        "content_type_id": ContentType.objects.get_for_model(Plan).pk,
        "url": "no-such-page/",
    }
    overrides = {
        # Sign-off pages need a version sent for sign-off.
        "plans:sign_off": {"plan_id": awaiting.pk},
        "plans:statutory_comment": {"plan_id": awaiting.pk},
        "plans:decision_record": {"plan_id": awaiting.pk},
        # Submission progress and a correction need a plan sent to the ministry.
        "plans:submission_status": {"plan_id": sent.pk},
        "plans:correction": {"plan_id": sent.pk},
        "councils:password_reset_confirm": {
            "token": default_token_generator.make_token(target.user)
        },
        "admin:view_on_site": {"object_id": drafting.pk},
    }
    revisions = list(
        Revision.objects.filter(plan=drafting).order_by("number").values_list("number", flat=True)
    )
    # Pages that answer a GET only with what to show: the two revisions or versions to compare,
    # the paragraph to code.
    queries = {
        "plans:revision_compare": f"?older={revisions[0]}&newer={revisions[-1]}",
        "plans:panel_plan_compare": "?from=1&to=1",
        "plans:panel_code_passage": "?version=1&anchor=theme-1-p-2",
    }
    return {
        "users": users,
        "queries": queries,
        "values": values,
        "overrides": overrides,
        "ours": ours,
        "other": other,
        "plans": {"drafting": drafting, "awaiting": awaiting, "sent": sent},
    }


def admin_object_id(pattern) -> int | None:
    """The first row of the admin model a pattern belongs to (by name or by route)."""
    for model in admin.site._registry:
        opts = model._meta
        if pattern.key.startswith(f"admin:{opts.app_label}_{opts.model_name}_") or (
            pattern.route.startswith(f"admin/{opts.app_label}/{opts.model_name}/")
        ):
            first = model._default_manager.order_by("pk").first()
            return first.pk if first else None
    return None
