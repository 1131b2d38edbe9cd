"""The public pages, signing in and out, and the pages of one audience only: the insured
person's home, coverage and certificates (/me/), the unit's home and employees (/unit/). The
wizard and the application pages both audiences share are in applicant_urls."""

from django.urls import path

from medpause.web.views import account, auth, contact, otp, portal, progress, public, unit

app_name = "web"
urlpatterns = [
    path("", public.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/password/", account.password, name="password_change"),
    path("account/notices/", contact.notice_settings, name="notice_settings"),
    path("account/otp/", otp.verify, name="otp"),
    path("account/otp/enrol/", otp.enrol, name="otp_enrol"),
    path("guide/", public.guide, name="guide"),
    path("guide/reason/", public.guide_reason, name="guide_reason"),
    path("guide/answer/", public.guide_answer, name="guide_answer"),
    path("guide/form/<str:kind>.pdf", public.guide_form, name="guide_form"),
    path("progress/", progress.progress, name="progress"),
    # the insured person
    path("me/", portal.home, name="portal_home"),
    path("me/coverage/", portal.coverage, name="portal_coverage"),
    path("me/certificates/<str:kind>.pdf", portal.certificate, name="portal_certificate"),
    # the unit agent
    path("unit/", unit.home, name="unit_home"),
    path("unit/employees/<int:person_id>/", unit.employee, name="unit_employee"),
]
