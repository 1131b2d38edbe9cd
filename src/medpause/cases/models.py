from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApplicantType
from medpause.cases.states import PENDING_STATUSES, Action, Status

# The statuses of applications still waiting for the bureau, as the partial indexes name them.
PENDING = Q(status__in=sorted(PENDING_STATUSES))


class Kind(models.TextChoices):
    STOP = "stop", _("Stop")
    RESUME = "resume", _("Resume")


class Application(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="applications")
    region = models.ForeignKey("policy.Region", on_delete=models.PROTECT)
    applicant_type = models.CharField(_("applicant"), max_length=12, choices=ApplicantType.choices)
    unit = models.ForeignKey("registry.Unit", null=True, blank=True, on_delete=models.PROTECT)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=32)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    suspension = models.ForeignKey(
        "cases.Suspension", null=True, blank=True, on_delete=models.PROTECT, related_name="resume_applications"
    )
    early_resume = models.BooleanField(_("resuming before the planned end"), default=False)
    note = models.TextField(_("other information"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    policy_version = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT)
    consequences_acknowledged_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("review due by"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(blank=True)
    decision_rule = models.CharField(max_length=200, blank=True)
    # Two-stage review (the policy's review_stages = 2): who approved the first stage, and when.
    checked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    supplement_groups = models.JSONField(default=list, blank=True)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    # Correcting a decision (cases.services.revocation): who asked, why, who confirmed, and what
    # was undone ({"periods": [{"start", "end", "codes"}]}: the cover given back, for reprocessing).
    revocation_reason = models.TextField(blank=True)
    revocation_requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_effect = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["region", "status", "first_submitted_at"]),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["unit", "status"]),
            # The review queue's keyset, every status and the pending ones only.
            models.Index(fields=["region", "first_submitted_at", "id"], name="cases_app_queue"),
            models.Index(fields=["region", "first_submitted_at", "id"], condition=PENDING, name="cases_app_pending"),
            # Overdue reviews (the reminder job, the statistics' overdue count).
            models.Index(fields=["due_date"], condition=PENDING, name="cases_app_pending_due"),
            models.Index(fields=["region", "decided_at"], name="cases_app_decided"),
            # A person's applications, newest first.
            models.Index(fields=["person", "created_at", "id"], name="cases_app_person_created"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.reference


class ApplicationEvent(models.Model):
    """The history an applicant and an officer read: one row per transition."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=Action.choices)
    from_status = models.CharField(max_length=24, choices=Status.choices)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_role = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"


class Document(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=48)
    file = models.FileField(upload_to="documents/%Y/%m/")
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.kind} ({self.size} B)"


class Suspension(models.Model):
    """A dated period without benefits. end_date is the last suspended day, empty until a
    resumption is approved (or for good, when terminating); benefits_from is set when the
    break was long enough for a waiting period."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="suspensions")
    region = models.ForeignKey("policy.Region", on_delete=models.PROTECT)
    reason = models.CharField(max_length=32)
    terminating = models.BooleanField(default=False)
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    benefits_from = models.DateField(_("benefits from"), null=True, blank=True)
    stop_application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="created_suspension"
    )
    resume_application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="ended_suspension"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "start_date"]
        indexes = [
            models.Index(fields=["person", "start_date"]),
            # The reminder job: open, resumable stops not reminded yet, by planned end.
            models.Index(
                fields=["planned_end_date"], name="cases_susp_to_remind",
                condition=Q(end_date__isnull=True, reminded_at__isnull=True, terminating=False),
            ),
        ]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.start_date} – {self.end_date or '…'}"
