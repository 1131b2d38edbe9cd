from medpause.notices.models import Notice


def notices_for(user, limit: int = 20) -> list[Notice]:
    role = getattr(user, "role", None)
    qs = Notice.objects.none()
    if role == "individual" and user.person_id:
        qs = Notice.objects.filter(person_id=user.person_id)
    elif role == "unit_agent" and user.unit_id:
        qs = Notice.objects.filter(unit_id=user.unit_id)
    elif role == "officer" and user.region_id:
        qs = Notice.objects.filter(region_id=user.region_id)
    return list(qs[:limit])
