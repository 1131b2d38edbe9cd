"""Small template helpers for the web pages: accessible inputs, lookups, masking."""

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from medpause.common.masking import mask_id_number

register = template.Library()

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")


@register.filter
def own_lang(value):
    """Text people typed (names, notes) marked with its own language where it differs from the
    page's, so a screen reader reads it in the right voice (WCAG 3.1.2): Chinese on an English
    page, text in Latin letters only on a Chinese page. Anything else is left as it is."""
    text = "" if value is None else value
    plain = str(text)
    page_zh = (get_language() or "").lower().startswith("zh")
    if not page_zh and CJK.search(plain):
        lang = "zh-Hans"
    elif page_zh and LATIN.search(plain) and not CJK.search(plain):
        lang = "en"
    else:
        return text
    return format_html('<span lang="{}">{}</span>', lang, text)


@register.simple_tag
def field_input(bound_field, hint_text=""):
    """Render a field's widget with aria-describedby (hint, error) and an error class."""
    attrs = {}
    described = []
    if hint_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    css = bound_field.field.widget.attrs.get("class", "")
    if bound_field.errors:
        css = (css + " input-error").strip()
    if css:
        attrs["class"] = css
    return bound_field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping, key):
    """{{ mapping|get_item:key }} — None when the mapping or key is missing."""
    if not mapping:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def masked(id_number):
    """Mask a personal ID number (110105********002X)."""
    return mask_id_number(id_number or "")


@register.simple_tag
def status_tag(status, label):
    """A coloured status badge; the colour class follows the status code."""
    return format_html('<strong class="tag tag-{}">{}</strong>', status, label)


def _separator() -> str:
    from django.utils.translation import get_language

    return "、" if (get_language() or "zh-hans").startswith("zh") else ", "


def sentence_join(sentences) -> str:
    """Join whole sentences: Chinese runs them together after their 。, English puts a space."""
    from django.utils.translation import get_language

    glue = "" if (get_language() or "zh-hans").startswith("zh") else " "
    return glue.join(str(s) for s in sentences)


@register.simple_tag
def list_sep():
    """The separator between items of a list in the active language: 、 in Chinese."""
    return _separator()


@register.filter
def listjoin(items):
    """Join items as a list in the active language (居民身份证、户口簿、护照 / ID card, passport)."""
    return _separator().join(str(item) for item in items)


@register.simple_tag
def colon():
    """A colon in the active language: full-width in Chinese."""
    from django.utils.translation import get_language

    return "：" if (get_language() or "zh-hans").startswith("zh") else ": "
