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


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Contact(models.Model):
    """How a person or a unit agent is reached besides the in-app notice, which always comes:
    a phone number once verified by a code, an e-mail address, the channels they chose and the
    language of the texts. The phone number is personal data: shown masked (contacts.mask_phone)."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="contact")
    phone = models.CharField(_("mobile phone number"), max_length=11, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    by_email = models.BooleanField(_("by e-mail"), default=False)
    language = models.CharField(_("language of the texts"), max_length=8, default="zh-hans")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return f"contact of user {self.user_id}"

    def channels(self) -> list[str]:
        """The channels a notice goes out on now: SMS only to a verified number."""
        chosen = []
        if self.sms and self.phone and self.phone_verified_at:
            chosen.append(Channel.SMS)
        if self.by_email and self.email:
            chosen.append(Channel.EMAIL)
        return chosen


class PhoneCode(models.Model):
    """A 6-digit code sent to a phone number to verify it: only its keyed hash is kept; it
    expires, allows a few attempts, and a user may ask for only a few an hour."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="phone_codes")
    phone = models.CharField(max_length=11)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="notices_phonecode_user")]

    def __str__(self) -> str:
        return f"code for user {self.user_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notice on one channel to one recipient: sent by the `deliver` task with retries and
    backoff. The unique constraint keeps it to one row, and claiming the row (queued -> sending)
    to one send, however often the task runs. The in-app notice never depends on it."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey("accounts.User", verbose_name=_("recipient"), on_delete=models.CASCADE,
                             related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=120, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user", "channel"], name="notices_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notices_delivery_due")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"
