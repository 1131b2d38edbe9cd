from django.urls import include, path

from medpause.web.views import auth, portal, public, unit

app_name = "web"


def _wizard(prefix: str, module, person: bool):
    out = []
    for kind in ("stop", "resume"):
        base = f"{kind}/"
        out.append(path(base, module.stop_start if kind == "stop" else module.resume_start,
                        name=f"{prefix}_{kind}_start"))
        for (k, step), view in module.WIZARD_VIEWS.items():
            if k == kind:
                out.append(path(f"{base}{step}/", view, name=f"{prefix}_{kind}_{step}"))
    if person:
        return [path(f"unit/employees/<int:person_id>/{p.pattern}", p.callback, name=p.name) for p in out]
    return [path(f"me/{p.pattern}", p.callback, name=p.name) for p in out]


def _applications(prefix: str, module):
    root = "me/applications/" if prefix == "me" else "unit/applications/"
    return [
        path(root, module.application_list, name=f"{prefix}_applications"),
        path(f"{root}<int:app_id>/", module.application_detail, name=f"{prefix}_application_detail"),
        path(f"{root}<int:app_id>/sent/", module.application_submitted, name=f"{prefix}_application_submitted"),
        path(f"{root}<int:app_id>/documents/<int:doc_id>/", module.application_document,
             name=f"{prefix}_application_document"),
        path(f"{root}<int:app_id>/withdraw/", module.application_withdraw, name=f"{prefix}_application_withdraw"),
        path(f"{root}<int:app_id>/more-documents/", module.application_supplement,
             name=f"{prefix}_application_supplement"),
        path(f"{root}<int:app_id>/continue/", module.application_continue, name=f"{prefix}_application_continue"),
        path(f"{root}<int:app_id>/form.pdf", module.application_form, name=f"{prefix}_application_form"),
    ]


urlpatterns = [
    path("", public.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("guide/", public.guide, name="guide"),
    path("guide/reason/", public.guide_reason, name="guide_reason"),
    path("guide/answer/", public.guide_answer, name="guide_answer"),
    path("guide/form/<str:kind>.pdf", public.guide_form, name="guide_form"),
    # the insured person
    path("me/", portal.home, name="portal_home"),
    path("me/coverage/", portal.coverage, name="portal_coverage"),
    path("me/certificates/<str:kind>.pdf", portal.certificate, name="portal_certificate"),
    *_wizard("me", portal, person=False),
    *_applications("me", portal),
    # the unit agent
    path("unit/", unit.home, name="unit_home"),
    path("unit/employees/<int:person_id>/", unit.employee, name="unit_employee"),
    *_wizard("unit", unit, person=True),
    *_applications("unit", unit),
]

try:  # the officer workbench is written separately; include it once it exists
    import medpause.web.officer_urls  # noqa: F401
except ImportError:  # pragma: no cover
    pass
else:
    urlpatterns.append(path("officer/", include("medpause.web.officer_urls")))
