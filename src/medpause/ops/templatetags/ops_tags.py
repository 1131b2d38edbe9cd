from django import template
from django.utils import timezone

from medpause.ops.queue import queue_state

register = template.Library()


@register.simple_tag
def task_queue():
    """The task queue for the admin index: configured or not, depth, oldest waiting task."""
    try:
        state = queue_state()
    except Exception:  # noqa: BLE001 - the admin index must open even when the queue is down
        return {"answers": False}
    if state is None:
        return {"answers": True, "configured": False}
    return {
        "answers": True, "configured": True, "depth": state.depth, "oldest": state.oldest_enqueued_at,
        "waited_minutes": int(state.oldest_age_seconds(timezone.now()) // 60),
    }
