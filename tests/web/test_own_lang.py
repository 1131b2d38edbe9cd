"""Names and notes people typed carry their own language where it differs from the page's
(WCAG 3.1.2): a Chinese name on an English page is read by a Chinese voice, a name in Latin
letters on a Chinese page by an English one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from medpause.web.templatetags.web_tags import own_lang
from tests.factories import make_person, make_user
from tests.web.conftest import page, stop_submitted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "text", "marked"), [
    ("en", "李娜", '<span lang="zh-Hans">李娜</span>'),
    ("en", "Li Na", "Li Na"),
    ("zh-hans", "Li Na", '<span lang="en">Li Na</span>'),
    ("zh-hans", "李娜", "李娜"),
    ("zh-hans", "2026-12-01", "2026-12-01"),  # digits only: nothing to say
    ("en", "<b>王</b>", '<span lang="zh-Hans">&lt;b&gt;王&lt;/b&gt;</span>'),  # still escaped
])
def test_the_filter(language, text, marked):
    with translation.override(language):
        assert str(own_lang(text)) == marked
        rendered = Template("{% load web_tags %}{{ v|own_lang }}").render(Context({"v": text}))
    assert rendered == marked


def test_an_application_page_marks_the_name_and_note(client):
    person = make_person("310000", category="flexible", name="欧阳明")
    user = make_user("individual", person=person)
    today = dt.date.today()
    app = stop_submitted(user, person, "flexible_pause", today + dt.timedelta(days=1), today + dt.timedelta(days=40))
    app.note = "回老家照顾父母"
    app.save(update_fields=["note"])
    client.force_login(user)
    html = page(client, f"/me/applications/{app.pk}/", "en").content.decode()
    assert '<span lang="zh-Hans">欧阳明</span>' in html
    assert '<span lang="zh-Hans">回老家照顾父母</span>' in html
    html = page(client, f"/me/applications/{app.pk}/", "zh-hans").content.decode()
    assert 'lang="zh-Hans">欧阳明' not in html  # the page's own language: nothing to mark
