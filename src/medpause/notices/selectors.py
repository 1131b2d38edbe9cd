from medpause.accounts.permissions import notices_visible_to
from medpause.notices.models import Notice


def notices_for(user, limit: int = 20) -> list[Notice]:
    return list(notices_visible_to(user)[:limit])
