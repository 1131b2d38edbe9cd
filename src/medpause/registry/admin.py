"""Units, insured persons, cards and contributions. Registered through the services (which
check ID numbers and codes and write the audit trail), so read-only here. Lists show ID
numbers masked; a person's own page shows the whole number to the administrator. A person is
found by ID number through a POST form above the list, never through the search box: the number
must not land in a URL or an access log."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medpause.common.admin import ReadOnlyAdmin, ReadOnlyInline
from medpause.registry.models import Card, Contribution, Person, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "region", "legal_representative_name", "representative_id")
    list_filter = ("region",)
    search_fields = ("name", "=uscc")
    list_select_related = ("region",)
    fields = (
        "name", "uscc", "region", "legal_representative_name", "legal_representative_id_number", "created_at",
    )

    @admin.display(description=_("legal representative's ID number"))
    def representative_id(self, obj):
        return obj.legal_representative_id_masked


class CardInline(ReadOnlyInline):
    model = Card
    fields = ("number", "issued_on")


class ContributionInline(ReadOnlyInline):
    model = Contribution
    fields = ("month", "unit", "base", "employer_amount", "employee_amount", "policy_version")
    ordering = ("-month",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "masked_id_number", "region", "category", "unit", "retired")
    list_filter = ("region", "category", "retired")
    search_fields = ("name", "=card__number")
    change_list_template = "web/officer/admin/person_change_list.html"
    list_select_related = ("region", "unit")
    fields = ("name", "id_number", "region", "category", "unit", "contribution_base", "retired", "created_at")
    inlines = [CardInline, ContributionInline]

    @admin.display(description=_("ID number"), ordering="id_number")
    def masked_id_number(self, obj):
        return obj.id_number_masked

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "find_id_number" in request.POST:
            if not self.has_view_permission(request):
                raise PermissionDenied
            number = request.POST["find_id_number"].strip().upper()
            person = Person.objects.filter(id_number=number).only("pk").first() if number else None
            if person is not None:
                return HttpResponseRedirect(reverse("admin:registry_person_change", args=[person.pk]))
            self.message_user(request, _("No insured person has this ID number."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:registry_person_changelist"))
        return super().changelist_view(request, extra_context)


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ("number", "person", "issued_on")
    search_fields = ("=number",)
    list_select_related = ("person",)
    fields = ("number", "person", "issued_on")


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("person", "month", "base", "employer_amount", "employee_amount", "policy_version")
    list_filter = ("month",)
    search_fields = ("=person__card__number",)
    list_select_related = ("person",)
    date_hierarchy = "month"
    fields = ("person", "month", "unit", "base", "employer_amount", "employee_amount", "policy_version")
