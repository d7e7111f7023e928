"""Template tags shared by every app: form widgets with NL Design System classes, timelines."""

from __future__ import annotations

from django import template

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
