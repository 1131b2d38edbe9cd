"""A page that shows a form's errors says so first in its title ("Error: ..."), so a screen reader
user knows at once that the submission failed; the same page without errors does not."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from medpause.common.dates import add_months
from tests.factories import make_unit, make_user
from tests.web.conftest import day, page, stop_submitted

TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)


def title_of(response) -> str:
    return TITLE.search(response.content.decode()).group(1)


@pytest.mark.parametrize(("lang", "prefix"), [("en", "Error:"), ("zh-hans", "错误：")])
def test_failed_sign_in_says_error_in_the_title(client, db, lang, prefix):
    make_user("officer", username="someone", region="110000")
    assert not title_of(page(client, reverse("web:login"), lang)).startswith(prefix)
    response = client.post(reverse("web:login"), {"username": "someone", "password": "wrong-password-1"},
                           HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert title_of(response).startswith(prefix)


def test_password_change_with_errors_says_error(client, db):
    user = make_user("officer", region="110000")
    client.force_login(user)
    response = client.post(reverse("web:password_change"), {"old_password": "nope", "new_password1": "a",
                                                        "new_password2": "b"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert title_of(response).startswith("Error:")


def test_person_look_up_with_a_bad_id_number_says_error(client, db):
    client.force_login(make_user("officer", region="110000"))
    assert title_of(page(client, reverse("officer:person_lookup"))).startswith("Find a person")
    response = client.post(reverse("officer:person_lookup"), {"id_number": "123"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 422)
    assert title_of(response).startswith("Error: Find a person")


def test_batch_upload_without_a_file_says_error(client, db):
    unit = make_unit("510100")
    client.force_login(make_user("unit_agent", unit=unit))
    response = client.post(reverse("batches:new"), {"kind": "stop"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 400)
    assert title_of(response).startswith("Error: Upload a batch file")


def test_a_rejection_without_a_reason_says_error_and_uses_the_sites_summary(client, shanghai_flexible):
    person, user = shanghai_flexible
    app = stop_submitted(user, person, "flexible_pause", day(0), add_months(day(0), 3))
    client.force_login(make_user("officer", region="310000"))
    url = reverse("officer:application", args=[app.pk])
    html = page(client, url).content.decode()
    reject = re.escape(reverse("officer:reject", args=[app.pk]))
    assert re.search(rf'action="{reject}"[^>]*novalidate', html)
    response = client.post(reverse("officer:reject", args=[app.pk]), {"reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 422)
    assert title_of(response).startswith("Error: Application")
    assert 'class="error-summary"' in response.content.decode()
