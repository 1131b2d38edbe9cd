"""Public endpoints are rate-limited per client address: the guide, its blank form, the
verification form and the API's public look-ups answer 429 past MEDPAUSE_PUBLIC_RATE a minute
(a bilingual page, or the API's error shape), with Retry-After."""

from __future__ import annotations

import types

import pytest

from medpause.common import throttle
from tests.api.conftest import error_of
from tests.web.conftest import assert_clean

pytestmark = pytest.mark.django_db

LIMIT = 3
PAGES = [
    "/guide/",
    "/guide/reason/?applicant_type=individual&region=310000&kind=stop",
    "/guide/answer/?applicant_type=individual&region=310000&kind=stop&reason=flexible_pause",
    "/guide/form/stop.pdf?region=310000&reason=flexible_pause",
    "/verify/",
]
API = [
    "/api/v1/regions",
    "/api/v1/reasons?region=310000",
    "/api/v1/requirements?region=310000&reason=flexible_pause&applicant_type=individual&kind=stop",
    "/api/v1/forms/stop.pdf?region=310000",
]


@pytest.fixture(autouse=True)
def _low_limit(settings, monkeypatch):
    settings.MEDPAUSE_PUBLIC_RATE = LIMIT
    # one window for the whole test: the count never starts again in the middle
    monkeypatch.setattr(throttle, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "Too many pages were asked for from this address"),
    ("zh-hans", "此地址请求的页面过多"),
])
def test_a_public_page_answers_429_past_the_limit(client, url, lang, sentence):
    for _ in range(LIMIT):
        assert client.get(url, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE=lang).status_code in (200, 302)
    response = client.get(url, REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert_clean(html)
    assert sentence in html
    # another client is not held back
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code in (200, 302)


@pytest.mark.parametrize("url", API)
def test_a_public_api_look_up_answers_429_in_the_error_shape(client, url):
    for _ in range(LIMIT):
        assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200
    response = client.get(url, REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert error_of(response)["code"] == "too_many_requests"
    assert int(response["Retry-After"]) >= 1
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_the_guide_pages_share_one_count_per_client(client):
    for url in PAGES[:LIMIT]:
        assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code in (200, 302)
    assert client.get(PAGES[LIMIT], REMOTE_ADDR="203.0.113.9").status_code == 429
