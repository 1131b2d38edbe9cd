from medpause.audit.models import AuditEvent


def audit_events_for(*, target_type: str, target_id) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id)).order_by("seq"))
