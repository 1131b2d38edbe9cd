"""The task queue in the administration: every task, read-only (what waits, runs, finished or
failed, and which worker took it). The library's own admin, which edits and deletes, is
replaced; a failure shows its exception's class, not its traceback (a message could carry data)."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from medpause.common.admin import ReadOnlyAdmin

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("task_path", "status", "enqueued_at", "started_at", "finished_at", "queue_name")
    list_filter = ("status", "queue_name")
    ordering = ["-enqueued_at"]
    fields = ("id", "task_path", "status", "queue_name", "priority", "args_kwargs", "enqueued_at", "run_after",
              "started_at", "finished_at", "worker_ids", "return_value", "exception_class_path")
    readonly_fields = fields
