"""The API's interactive docs (/api/v1/docs) come from the service alone: Swagger UI from its own
static files, started by a static script, under the site's strict Content Security Policy.
(tests/e2e/test_api_docs.py opens them in Chromium, offline.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_has_no_inline_script_and_nothing_from_another_host(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe-inline" not in policy
    assert "//" not in re.sub(r"<!DOCTYPE[^>]*>", "", html), "an address on another host"
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts), scripts
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    for sheet in re.findall(r'<link[^>]*href="([^"]+)"', html):
        assert sheet.startswith("/static/")


@pytest.mark.parametrize("name", ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "api/swagger-init.js"])
def test_the_docs_files_are_the_services_own_static_files(client, name):
    assert finders.find(name), f"{name} is not among the static files"
    assert client.get(f"/static/{name}").status_code == 200
