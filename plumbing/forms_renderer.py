"""Form rendering with NL Design System markup, an error summary and linked hints."""

from django.forms.renderers import TemplatesSetting


class WijkpleinFormRenderer(TemplatesSetting):
    """Every `{{ form }}` and `{{ field.as_field_group }}` uses our accessible templates."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
