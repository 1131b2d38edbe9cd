"""Units, insured persons, cards and contributions. Registered through the services (which
check ID numbers and codes and write the audit trail), so read-only here. Lists show ID
numbers masked (their stored masked form: lists decrypt nothing); a person's own page shows the
whole number to the administrator, and each showing is written to the audit trail. A person is
found by ID number through a POST form above the list, never through the search box: the number
must not land in a URL or an access log; it is looked up by its keyed hash (ADR 0011) and each
look-up is audited too."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medpause.audit.services import audit_read
from medpause.common.admin import ReadOnlyAdmin, ReadOnlyInline
from medpause.registry.models import Card, Contribution, Person, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "uscc", "region", "legal_representative_name", "legal_representative_id_masked")
    list_filter = ("region",)
    search_fields = ("name", "=uscc")
    list_select_related = ("region",)
    fields = (
        "name", "uscc", "region", "legal_representative_name", "legal_representative_id_number", "created_at",
    )


class CardInline(ReadOnlyInline):
    model = Card
    fields = ("number", "issued_on")


class ContributionInline(ReadOnlyInline):
    model = Contribution
    fields = ("month", "unit", "base", "employer_amount", "employee_amount", "policy_version")
    ordering = ("-month",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "region", "category", "unit", "retired")
    list_filter = ("region", "category", "retired")
    search_fields = ("name", "=card__number")
    change_list_template = "web/officer/admin/person_change_list.html"
    list_select_related = ("region", "unit")
    fields = ("name", "id_number", "region", "category", "unit", "contribution_base", "retired", "created_at")
    inlines = [CardInline, ContributionInline]

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "find_id_number" in request.POST:
            if not self.has_view_permission(request):
                raise PermissionDenied
            number = request.POST["find_id_number"].strip().upper()
            person = Person.objects.by_id_number(number).only("pk").first() if number else None
            if number:
                audit_read(request.user, "person.lookup", person or ("registry.person", ""), id_number=number,
                           found=person is not None, channel="admin")
            if person is not None:
                return HttpResponseRedirect(reverse("admin:registry_person_change", args=[person.pk]))
            self.message_user(request, _("No insured person has this ID number."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:registry_person_changelist"))
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:  # the page shows the whole number
            audit_read(request.user, "person.view", ("registry.person", object_id), channel="admin")
        return response


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
