"""Small template helpers for the web pages: accessible inputs, lookups, masking."""

from django import template
from django.utils.html import format_html

from medpause.common.masking import mask_id_number

register = template.Library()


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
