from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medpause.accounts.models import ApplicantType
from medpause.cases.notes import note_text
from medpause.cases.states import PENDING_STATUSES, Action, Status

# The statuses of applications still waiting for the bureau, as the partial indexes name them.
PENDING = Q(status__in=sorted(PENDING_STATUSES))


class Kind(models.TextChoices):
    STOP = "stop", _("Stop")
    RESUME = "resume", _("Resume")


class Application(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("person"))
    region = models.ForeignKey("policy.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    applicant_type = models.CharField(_("applicant"), max_length=12, choices=ApplicantType.choices)
    unit = models.ForeignKey("registry.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             verbose_name=_("unit"))
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    reason = models.CharField(_("reason"), max_length=32)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    suspension = models.ForeignKey(
        "cases.Suspension", null=True, blank=True, on_delete=models.PROTECT, related_name="resume_applications",
        verbose_name=_("suspension")
    )
    early_resume = models.BooleanField(_("resuming before the planned end"), default=False)
    note = models.TextField(_("other information"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    policy_version = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT,
                                       verbose_name=_("policy version"))
    consequences_acknowledged_at = models.DateTimeField(null=True, blank=True,
                                                        verbose_name=_("consequences acknowledged at"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    first_submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("first submitted at"))
    due_date = models.DateField(_("review due by"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    decision_note = models.TextField(blank=True, verbose_name=_("decision note"))
    decision_rule = models.CharField(max_length=200, blank=True, verbose_name=_("decision rule"))
    # Two-stage review (the policy's review_stages = 2): who approved the first stage, and when.
    checked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("checked by"))
    checked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked at"))
    supplement_groups = models.JSONField(default=list, blank=True, verbose_name=_("supplement groups"))
    supplement_requested_at = models.DateTimeField(null=True, blank=True,
                                                   verbose_name=_("supplement requested at"))
    # Correcting a decision (cases.services.revocation): who asked, why, who confirmed, and what
    # was undone ({"periods": [{"start", "end", "codes"}]}: the cover given back, for reprocessing).
    revocation_reason = models.TextField(blank=True, verbose_name=_("revocation reason"))
    revocation_requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("revocation requested by")
    )
    revoked_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    revocation_effect = models.JSONField(default=dict, blank=True, verbose_name=_("revocation effect"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

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

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("application"))
    action = models.CharField(max_length=24, choices=Action.choices, verbose_name=_("action"))
    from_status = models.CharField(max_length=24, choices=Status.choices, verbose_name=_("from status"))
    to_status = models.CharField(max_length=24, choices=Status.choices, verbose_name=_("to status"))
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("actor"))
    actor_role = models.CharField(max_length=16, verbose_name=_("actor role"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    at = models.DateTimeField(verbose_name=_("at"))

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} -> {self.to_status}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language (a note the system wrote is stored as a marker)."""
        return note_text(self.note)


class Document(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents",
                                    verbose_name=_("application"))
    kind = models.CharField(_("kind"), max_length=48)
    file = models.FileField(upload_to="documents/%Y/%m/", verbose_name=_("file"))
    original_name = models.CharField(max_length=200, blank=True, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

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

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="suspensions",
                               verbose_name=_("person"))
    region = models.ForeignKey("policy.Region", on_delete=models.PROTECT, verbose_name=_("region"))
    reason = models.CharField(max_length=32, verbose_name=_("reason"))
    terminating = models.BooleanField(default=False, verbose_name=_("terminating"))
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    benefits_from = models.DateField(_("benefits from"), null=True, blank=True)
    stop_application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="created_suspension",
        verbose_name=_("stop application")
    )
    resume_application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="ended_suspension",
        verbose_name=_("resume application")
    )
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

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
