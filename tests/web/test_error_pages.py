"""The server-error page speaks the reader's language and says it is an error."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.parametrize(("lang", "html_lang", "title"), [
    ("en", 'lang="en"', "<title>Error: Sorry, there is a problem with the service</title>"),
    ("zh-hans", 'lang="zh-Hans"', "<title>错误： 抱歉，服务出现问题</title>"),
])
def test_the_500_page_is_in_the_readers_language(lang, html_lang, title):
    with translation.override(lang):
        html = server_error(RequestFactory().get("/")).content.decode()
    assert html_lang in html
    assert title in html
