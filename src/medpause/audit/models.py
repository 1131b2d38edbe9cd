from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.IntegerChoices):
    """How an event is linked to the one before it (ADR 0010). Events written before the keyed
    chain keep their plain SHA-256 links; every later one is an HMAC under the audit key."""

    SHA256 = 1, _("SHA-256 (before the keyed chain)")
    HMAC_SHA256 = 2, _("HMAC-SHA-256 (keyed)")


class AuditEvent(models.Model):
    """One event of the append-only log. Each event's hash covers its content and the previous
    event's hash, keyed with a key kept outside the database, so any edit or deletion breaks
    the chain from that point on and cannot be covered up by recomputing the hashes."""

    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="+",
        verbose_name=_("actor")
    )
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    actor_role = models.CharField(_("role"), max_length=16)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64)
    target_id = models.CharField(_("target"), max_length=64)
    data = models.JSONField(_("data"), default=dict)
    scheme = models.PositiveSmallIntegerField(
        _("link scheme"), choices=Scheme.choices, default=Scheme.HMAC_SHA256
    )
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_append", False):
            raise RuntimeError("audit events are append-only")
        kwargs.pop("_append", None)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditHead(models.Model):
    """A single row locked while appending, so concurrent writers chain one after another. Its
    signature (HMAC under the audit key) covers the last event's number and hash and the last
    event linked by plain SHA-256 (`legacy_until`), so the head cannot be set back to an
    earlier event, nor the unkeyed part of the chain extended, without the key."""

    seq = models.BigIntegerField(default=0, verbose_name=_("sequence number"))
    hash = models.CharField(max_length=64, default="0" * 64, verbose_name=_("hash"))
    legacy_until = models.BigIntegerField(default=0, verbose_name=_("legacy until"))
    signature = models.CharField(max_length=64, blank=True, default="", verbose_name=_("signature"))

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """Where a verification found the chain intact, signed with the audit key: the next one
    starts from here instead of from the first event."""

    seq = models.BigIntegerField(verbose_name=_("sequence number"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))
    at = models.DateTimeField(verbose_name=_("time"))
    full = models.BooleanField(default=False, verbose_name=_("full check"))
    signature = models.CharField(max_length=64, verbose_name=_("signature"))

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["seq"])]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"
