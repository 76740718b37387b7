from plans.models import AuditEvent


def audit_record(
    *, action: str, plan=None, version=None, actor=None, detail=None, ip_address=None
) -> AuditEvent:
    """Append one event to the audit log (call it inside the transition's transaction).

    `action` must be one of `AuditEvent.Action`: a new kind of event gets its label there first.
    """
    return AuditEvent.objects.create(
        action=AuditEvent.Action(action),
        plan=plan,
        version=version,
        actor=actor if actor is not None and actor.is_authenticated else None,
        detail=detail or {},
        ip_address=ip_address,
    )
