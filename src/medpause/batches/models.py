"""A unit's batch file of stop or resume rows, its staged rows and their outcome.

Messages are never stored: an error is a code, a message key and its parameters, rendered
when read in the reader's language (batches.messages)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    VALIDATING = "validating", _("In progress")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BatchState(models.TextChoices):
    """What a unit is told: the status, and while in progress whether a worker holds the batch
    (its lease runs) and at which stage, or whether it waits for one."""

    QUEUED = "queued", _("Waiting for a worker")
    VALIDATING = "validating", _("Checking the rows")
    APPLYING = "applying", _("Applying the rows")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Stage(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    VALIDATING = "validating", _("Checking the rows")
    APPLYING = "applying", _("Applying the rows")
    FINISHED = "finished", _("Finished")


class Batch(models.Model):
    unit = models.ForeignKey("registry.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    kind = models.CharField(_("kind"), max_length=8)  # cases.Kind: stop | resume
    status = models.CharField(_("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.VALIDATING)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.QUEUED)
    file = models.FileField(upload_to="batches/%Y/%m/", verbose_name=_("file"))
    file_format = models.CharField(max_length=4, verbose_name=_("file format"))  # csv | xlsx
    original_name = models.CharField(max_length=200, blank=True, verbose_name=_("original name"))
    size = models.PositiveIntegerField(default=0, verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    rows_total = models.PositiveIntegerField(default=0, verbose_name=_("rows total"))
    rows_validated = models.PositiveIntegerField(default=0, verbose_name=_("rows validated"))
    rows_ok = models.PositiveIntegerField(default=0, verbose_name=_("rows without errors"))
    rows_failed = models.PositiveIntegerField(default=0, verbose_name=_("rows failed"))
    rows_applied = models.PositiveIntegerField(default=0, verbose_name=_("rows applied"))
    rows_decided = models.PositiveIntegerField(default=0, verbose_name=_("rows decided"))  # approved on the spot, by rule
    # An error about the whole file (wrong columns, encoding, ...): code, message key, params.
    file_error_code = models.CharField(max_length=48, blank=True, verbose_name=_("file error"))
    file_error_key = models.CharField(max_length=64, blank=True, verbose_name=_("file error message"))
    file_error_params = models.JSONField(default=dict, blank=True, verbose_name=_("file error parameters"))
    file_error_row = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("file error row"))
    # The worker running it holds a lease (medpause.batches.lease): claimed_by names the worker,
    # lease_until is renewed while it works; once lapsed, another worker takes the batch over.
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed at"))
    claimed_by = models.CharField(max_length=64, blank=True, verbose_name=_("claimed by"))
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("lease until"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    validated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("validated at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "lease_until"]), models.Index(fields=["unit", "created_at"])]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.kind}, {self.status})"

    @property
    def running(self) -> bool:
        return self.status == BatchStatus.VALIDATING

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    def state_at(self, now) -> str:
        """queued | validating | applying | done | failed (BatchState): in progress counts as
        waiting unless a worker's lease on it runs at `now`."""
        if self.status != BatchStatus.VALIDATING:
            return self.status
        if not self.claimed_by or self.lease_until is None or self.lease_until <= now:
            return BatchState.QUEUED
        return BatchState.APPLYING if self.stage == Stage.APPLYING else BatchState.VALIDATING


class BatchRow(models.Model):
    """One data row of the file, staged while validating (so that rows are checked against each
    other in the database, not in memory) and linked to its application once applied."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="rows", verbose_name=_("batch"))
    row = models.PositiveIntegerField(verbose_name=_("row"))  # as the spreadsheet shows it: the header is row 1
    id_masked = models.CharField(max_length=40, blank=True, verbose_name=_("ID number (masked)"))
    person_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("person id"))  # no FK: staging stays cheap
    suspension_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("suspension id"))
    reason = models.CharField(max_length=32, blank=True, verbose_name=_("reason"))
    start_date = models.DateField(null=True, blank=True, verbose_name=_("start date"))
    end_date = models.DateField(null=True, blank=True, verbose_name=_("end date"))
    code = models.CharField(max_length=48, blank=True, verbose_name=_("code"))  # empty: the row is valid
    message_key = models.CharField(max_length=64, blank=True, verbose_name=_("message key"))
    params = models.JSONField(default=dict, blank=True, verbose_name=_("parameters"))
    application_id = models.BigIntegerField(null=True, blank=True, verbose_name=_("application id"))

    class Meta:
        verbose_name = _("batch row")
        verbose_name_plural = _("batch rows")
        ordering = ["batch", "row"]
        constraints = [models.UniqueConstraint(fields=["batch", "row"], name="batch_row_unique")]
        indexes = [models.Index(fields=["batch", "person_id"])]

    def __str__(self) -> str:
        return f"batch {self.batch_id} row {self.row}"


# Staged apply (docs/adr/0018-batch-staged-apply.md): what a batch writes is first staged here,
# chunk by chunk in short transactions, where no reader of applications, suspensions or notices
# looks; one short transaction then publishes it into the real tables with set-based
# INSERT ... SELECT and UPDATE ... FROM. Rows of a batch's earlier attempt are deleted first.


class _Staged(models.Model):
    batch_id = models.BigIntegerField(db_index=True, verbose_name=_("batch id"))
    run = models.BigIntegerField(db_index=True, verbose_name=_("run"))  # the attempt that staged it (publish.new_run)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} of batch {self.batch_id}, run {self.run}"


class StagedApplication(_Staged):
    """An application a batch row becomes, under the id reserved for it in cases_application."""

    id = models.BigIntegerField(primary_key=True, verbose_name=_("id"))
    row_pk = models.BigIntegerField(verbose_name=_("row pk"))  # the BatchRow it comes from
    reference = models.CharField(max_length=24, verbose_name=_("reference"))
    person_id = models.BigIntegerField(verbose_name=_("person id"))
    region_id = models.BigIntegerField(verbose_name=_("region id"))
    reason = models.CharField(max_length=32, verbose_name=_("reason"))
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(null=True, verbose_name=_("end date"))
    suspension_id = models.BigIntegerField(null=True, verbose_name=_("suspension id"))
    early_resume = models.BooleanField(default=False, verbose_name=_("early resume"))
    status = models.CharField(max_length=24, verbose_name=_("status"))
    policy_version_id = models.BigIntegerField(verbose_name=_("policy version id"))
    due_date = models.DateField(null=True, verbose_name=_("due date"))
    decided_at = models.DateTimeField(null=True, verbose_name=_("decided at"))
    decision_rule = models.CharField(max_length=200, blank=True, verbose_name=_("decision rule"))
    retires = models.BooleanField(default=False, verbose_name=_("retires"))  # the approval marks the person retired


class StagedMove(_Staged):
    """One move of a staged application: its history row and its notice."""

    application_id = models.BigIntegerField(verbose_name=_("application id"))
    action = models.CharField(max_length=24, verbose_name=_("action"))
    from_status = models.CharField(max_length=24, verbose_name=_("from status"))
    to_status = models.CharField(max_length=24, verbose_name=_("to status"))
    actor_id = models.BigIntegerField(null=True, verbose_name=_("actor id"))
    actor_role = models.CharField(max_length=16, verbose_name=_("actor role"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    person_id = models.BigIntegerField(verbose_name=_("person id"))
    notice_region_id = models.BigIntegerField(null=True, verbose_name=_("notice region id"))  # the officers' notice: on submit only
    notice_code = models.CharField(max_length=48, verbose_name=_("notice code"))
    notice_params = models.JSONField(default=dict, verbose_name=_("notice params"))


class StagedSuspension(_Staged):
    """A suspension an approval creates (suspension_id empty) or ends (suspension_id set: a
    resume, with its application, or a stop a death or retirement closes)."""

    suspension_id = models.BigIntegerField(null=True, verbose_name=_("suspension id"))
    person_id = models.BigIntegerField(null=True, verbose_name=_("person id"))
    region_id = models.BigIntegerField(null=True, verbose_name=_("region id"))
    reason = models.CharField(max_length=32, blank=True, verbose_name=_("reason"))
    terminating = models.BooleanField(default=False, verbose_name=_("terminating"))
    start_date = models.DateField(null=True, verbose_name=_("start date"))
    planned_end_date = models.DateField(null=True, verbose_name=_("planned end date"))
    end_date = models.DateField(null=True, verbose_name=_("end date"))
    benefits_from = models.DateField(null=True, verbose_name=_("benefits from"))
    stop_application_id = models.BigIntegerField(null=True, verbose_name=_("stop application id"))
    resume_application_id = models.BigIntegerField(null=True, verbose_name=_("resume application id"))
