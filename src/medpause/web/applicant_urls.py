"""The pages an applicant works on — the stop / resume wizard and their applications — written
once and mounted twice (medpause.config.urls): at /me/ under the namespace `me`, the insured
person for themself, and at /unit/ under `unit`, a unit agent for its employees. A unit's
wizard names the employee in its path (employees/<id>/stop/...); under /me/ such a path, and
under /unit/ a wizard without an employee, is not found. Views read whose pages they are from
the namespace (medpause.web.views.scope); links are reversed by the application namespace
`applicant` and the current instance."""

from django.urls import path, register_converter

from medpause.web.views import applications, wizard


class WizardKind:
    regex = "stop|resume"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(WizardKind, "wizard_kind")

app_name = "applicant"
urlpatterns = [
    path("<wizard_kind:kind>/", wizard.wizard_start, name="wizard_start"),
    path("<wizard_kind:kind>/<slug:step>/", wizard.wizard_step, name="wizard_step"),
    path("employees/<int:person_id>/<wizard_kind:kind>/", wizard.wizard_start, name="wizard_start"),
    path("employees/<int:person_id>/<wizard_kind:kind>/<slug:step>/", wizard.wizard_step, name="wizard_step"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/<int:app_id>/", applications.application_detail, name="application_detail"),
    path("applications/<int:app_id>/sent/", applications.application_submitted, name="application_submitted"),
    path("applications/<int:app_id>/documents/<int:doc_id>/", applications.application_document,
         name="application_document"),
    path("applications/<int:app_id>/withdraw/", applications.application_withdraw_view, name="application_withdraw"),
    path("applications/<int:app_id>/more-documents/", applications.application_supplement,
         name="application_supplement"),
    path("applications/<int:app_id>/continue/", applications.application_continue, name="application_continue"),
    path("applications/<int:app_id>/form.pdf", applications.application_form, name="application_form"),
    path("applications/<int:app_id>/receipt.pdf", applications.application_receipt, name="application_receipt"),
]
