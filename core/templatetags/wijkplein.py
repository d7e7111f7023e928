"""Template tags shared by every app: form widgets with NL Design System classes, timelines."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString

from core.holes import csrf_input, fill, hole

register = template.Library()

_WIDGET_CLASSES = {
    "textarea": "utrecht-textarea",
    "select": "utrecht-select",
    "selectmultiple": "utrecht-select",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefile": "utrecht-textbox",
    "file": "utrecht-textbox",
}


@register.filter
def widget_type(bound_field) -> str:
    """The widget's class name without 'Input'/'Widget', lower case (textinput -> text)."""
    name = bound_field.field.widget.__class__.__name__.lower()
    for suffix in ("input", "widget"):
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
    return name


@register.simple_tag
def field_widget(bound_field):
    """Render a widget with its Utrecht class and the ARIA links to its hint and errors."""
    kind = widget_type(bound_field)
    css = _WIDGET_CLASSES.get(kind, "utrecht-textbox utrecht-textbox--html-input")
    attrs = {}
    if css:
        attrs["class"] = css + (" utrecht-textbox--invalid" if bound_field.errors else "")
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}_hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.inclusion_tag("core/partials/_timeline.html")
def timeline(entries, heading=None, show_subject=False, anchor="timeline"):
    """Show an audit trail (from core.selectors.history_timeline or role_timeline)."""
    return {"entries": entries, "heading": heading, "show_subject": show_subject, "anchor": anchor}


# --- The site header ------------------------------------------------------------------

# Rendered headers by everything they show but the holes (language, logged in, the
# person's links, the menu): a few dozen at most, and never stale, as the key names all
# of it. Per process; a restart (new code, new translations) starts afresh.
_HEADERS: dict[tuple, str] = {}
_HEADERS_MAX = 256


@register.simple_tag(takes_context=True)
def site_header(context, menu: list[dict]) -> SafeString:
    """The header of every page: rendered once per language, person's links and menu (a
    memo in the process), then the CSRF token, the current path and the current menu item
    filled into its holes (core.holes). Rendering it took a fifth of a ballot page."""
    request = context["request"]
    user = context.get("user")
    nav = context.get("nav") or {}
    authenticated = bool(user and user.is_authenticated)
    language = translation.get_language()
    key = (
        language,
        authenticated,
        bool(authenticated and nav["review"]),
        bool(authenticated and nav["staff"]),
        tuple((item["title"], item["url"], item["url_path"]) for item in menu),
        context.get("SITE_NAME"),
        context.get("MUNICIPALITY_NAME"),
    )
    html = _HEADERS.get(key)
    if html is None:
        html = render_to_string(
            "partials/_site_header.html",
            {
                "LANGUAGE_CODE": language,
                "SITE_NAME": key[5],
                "MUNICIPALITY_NAME": key[6],
                "is_authenticated": authenticated,
                "nav": {"review": key[2], "staff": key[3]},
                "menu": [
                    {**item, "current": hole(f"current-{number}")}
                    for number, item in enumerate(menu)
                ],
                "csrf_input": hole("csrf"),
                "next_path": hole("next"),
            },
        )
        if len(_HEADERS) >= _HEADERS_MAX:
            _HEADERS.clear()
        _HEADERS[key] = html
    current_path = getattr(context.get("page"), "url_path", "")

    def value(name: str) -> str:
        if name == "csrf":
            return csrf_input(request)
        if name == "next":
            return escape(urlencode(request.get_full_path()))
        number = int(name.removeprefix("current-"))
        url_path = menu[number]["url_path"]
        return ' aria-current="page"' if current_path and url_path in current_path else ""

    return fill(html, value)
