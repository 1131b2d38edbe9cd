from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from medpause.common.encryption import EncryptedCharField, KeyedHashField, MaskedIdField, id_number_hash


class Unit(models.Model):
    """An employer (单位) that insures its employees."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey("policy.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    legal_representative_name = models.CharField(_("legal representative"), max_length=100)
    # encrypted at rest (ADR 0011); the masked form is stored for lists
    legal_representative_id_number = EncryptedCharField(_("legal representative's ID number"))
    legal_representative_id_masked = MaskedIdField(
        _("legal representative's ID number (masked)"), source="legal_representative_id_number"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Category(models.TextChoices):
    EMPLOYEE = "employee", _("Employee (unit and employee share the premium)")
    FLEXIBLE = "flexible", _("Flexible worker (pays alone)")


class PersonQuerySet(models.QuerySet):
    def by_id_number(self, number: str | None) -> PersonQuerySet:
        """The person with this resident ID number (any case, blanks around it ignored),
        found through the keyed hash column: the number itself is stored encrypted."""
        return self.filter(id_number_hash=id_number_hash(number))

    def by_id_numbers(self, numbers) -> PersonQuerySet:
        return self.filter(id_number_hash__in=[id_number_hash(n) for n in numbers])


class Person(models.Model):
    """An insured person. The social security number is the resident ID number (SIL Art. 58),
    sensitive personal information (PIPL Art. 28): stored encrypted, found and kept unique by
    its keyed hash, listed by its stored masked form (ADR 0011)."""

    name = models.CharField(_("name"), max_length=100)
    id_number = EncryptedCharField(_("ID number"))
    id_number_hash = KeyedHashField(_("ID number look-up hash"), source="id_number", unique=True)
    id_number_masked = MaskedIdField(_("ID number (masked)"), source="id_number")
    region = models.ForeignKey("policy.Region", verbose_name=_("region"), on_delete=models.PROTECT)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="employees"
    )
    contribution_base = models.DecimalField(_("contribution base"), max_digits=12, decimal_places=2)
    retired = models.BooleanField(_("retired"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("insured person")
        verbose_name_plural = _("insured persons")

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number_masked})"


class Employment(models.Model):
    """A dated period of a person's insurance category: employed by a unit (the unit and the
    employee share the premium) or a flexible worker (no unit, pays alone). A person's periods
    follow one another without gap or overlap; the last is open (end_date None). Everything
    asking "on day D" reads the period in force on D (registry.selectors.employment_on);
    Person.unit and Person.category hold the period in force today (docs/adr/0017)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments",
                               verbose_name=_("person"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="employments"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["person", "start_date"]
        verbose_name = _("employment period")
        verbose_name_plural = _("employment periods")
        constraints = [
            models.UniqueConstraint(fields=["person", "start_date"], name="employment_one_start_per_day"),
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(end_date__isnull=True), name="employment_one_open_period"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="employment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(category="employee", unit__isnull=False)
                | models.Q(category="flexible", unit__isnull=True),
                name="employment_unit_iff_employee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.start_date}..{self.end_date or ''}"


class Card(models.Model):
    """The medical insurance card issued on registration. Its number is an opaque identifier;
    its status on a date is computed from suspension periods (coverage), never stored."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="card",
                                  verbose_name=_("person"))
    number = models.CharField(_("card number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")

    def __str__(self) -> str:
        return self.number


class Contribution(models.Model):
    """One month's premium, split per SIL Art. 23: employer and employee share for employees,
    the person alone for flexible workers."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions",
                               verbose_name=_("person"))
    month = models.DateField(_("month"), help_text=_("first day of the month"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("unit"))
    base = models.DecimalField(_("base"), max_digits=12, decimal_places=2)
    employer_amount = models.DecimalField(_("employer share"), max_digits=12, decimal_places=2)
    employee_amount = models.DecimalField(_("employee share"), max_digits=12, decimal_places=2)
    policy_version = models.CharField(max_length=48, verbose_name=_("policy version"))

    class Meta:
        unique_together = [("person", "month")]
        ordering = ["person", "month"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def total(self):
        return self.employer_amount + self.employee_amount
