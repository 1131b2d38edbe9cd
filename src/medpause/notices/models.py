from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """A message to a person, a unit or a region's officers. The text is rendered when read,
    in the reader's language, from `code` and `params`."""

    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.CASCADE)
    unit = models.ForeignKey("registry.Unit", null=True, blank=True, on_delete=models.CASCADE)
    region = models.ForeignKey("policy.Region", null=True, blank=True, on_delete=models.CASCADE)
    application = models.ForeignKey("cases.Application", null=True, blank=True, on_delete=models.CASCADE)
    code = models.CharField(max_length=48)
    params = models.JSONField(default=dict)
    # A job that may run twice (a retried task, two schedulers) names what the notice is about
    # here: the unique constraint keeps it to one notice, whatever the timing.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [  # each reader's notices, newest first
            models.Index(fields=["region", "created_at"], name="notices_region_created"),
            models.Index(fields=["person", "created_at"], name="notices_person_created"),
            models.Index(fields=["unit", "created_at"], name="notices_unit_created"),
            models.Index(fields=["application", "code"], name="notices_application_code"),
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.code
