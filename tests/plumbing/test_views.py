"""plumbing.views.form_view: the form, one service, a message and a redirect, through Django."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django import forms
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from plumbing.views import form_view

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

TEMPLATE = "plumbing_test/form.html"


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)
    note = forms.CharField(required=False)


@dataclass
class Saved:
    pk: int
    name: str


calls: list[dict] = []


def _save(form) -> Saved:
    calls.append(dict(form.cleaned_data))
    return Saved(pk=7, name=form.cleaned_data["name"])


def _refuse_on_field(form):
    calls.append(dict(form.cleaned_data))
    raise ValidationError({"name": "Deze naam is al in gebruik."})


def _refuse(form):
    calls.append(dict(form.cleaned_data))
    raise ValidationError("Dit kan nu niet meer.")


def _forbid(form):
    calls.append(dict(form.cleaned_data))
    raise PermissionDenied


SERVICES = {"save": _save, "taken": _refuse_on_field, "closed": _refuse, "forbidden": _forbid}


def strict_page(request, case: str):
    """A failed POST answers 400, as the staff pages do."""
    return form_view(
        request,
        NameForm(request.POST or None),
        service=SERVICES[case],
        template=TEMPLATE,
        context=lambda: {"heading": "Naam kiezen"},
        invalid_status=400,
        success_url=lambda saved: f"/klaar/{saved.pk}/",
        success_message=lambda saved: f"{saved.name} is opgeslagen.",
    )


def plain_page(request):
    """The defaults: a failed POST answers 200, a fixed URL and message."""
    return form_view(
        request,
        NameForm(request.POST or None),
        service=_save,
        template=TEMPLATE,
        success_url="/klaar/",
        success_message="Opgeslagen.",
    )


urlpatterns = [
    path("plumbing-test/strict/<str:case>/", strict_page),
    path("plumbing-test/plain/", plain_page),
    *site_urlpatterns,  # the error pages and the site header reverse the real URL names
]


@pytest.fixture(autouse=True)
def _template(settings, tmp_path):
    (tmp_path / "plumbing_test").mkdir()
    (tmp_path / TEMPLATE).write_text(
        "<h1>{{ heading }}</h1>{{ form.non_field_errors }}{{ form.name.errors }}{{ form.name }}"
        "{{ form.note }}",
        encoding="utf-8",
    )
    templates = [dict(engine) for engine in django_settings.TEMPLATES]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    calls.clear()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_valid_post_calls_the_service_says_so_and_redirects(client):
    response = client.post("/plumbing-test/strict/save/", {"name": "Akerstraat", "note": "x"})

    assert calls == [{"name": "Akerstraat", "note": "x"}]
    assert response.status_code == 302
    assert response["Location"] == "/klaar/7/"
    assert _messages(response) == ["Akerstraat is opgeslagen."]


def test_a_fixed_url_and_message_work_as_well(client):
    response = client.post("/plumbing-test/plain/", {"name": "Akerstraat"})

    assert response.status_code == 302
    assert response["Location"] == "/klaar/"
    assert _messages(response) == ["Opgeslagen."]


def test_get_shows_the_empty_form_and_calls_nothing(client):
    response = client.get("/plumbing-test/strict/save/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Naam kiezen</h1>" in content
    assert 'name="name"' in content
    assert "errorlist" not in content
    assert calls == []


def test_invalid_input_renders_again_with_errors_and_what_was_typed(client):
    response = client.post(
        "/plumbing-test/strict/save/", {"name": "x" * 21, "note": "mijn notitie"}
    )

    assert calls == []
    assert response.status_code == 400
    content = response.content.decode()
    assert "errorlist" in content
    assert 'value="mijn notitie"' in content
    assert _messages(response) == []


def test_invalid_input_answers_200_by_default(client):
    response = client.post("/plumbing-test/plain/", {"note": "zonder naam"})

    assert calls == []
    assert response.status_code == 200
    assert 'value="zonder naam"' in response.content.decode()


def test_a_validation_error_of_a_field_lands_on_that_field(client):
    response = client.post("/plumbing-test/strict/taken/", {"name": "Akerstraat", "note": "n"})

    assert len(calls) == 1
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"name": ["Deze naam is al in gebruik."]}
    assert 'value="Akerstraat"' in response.content.decode()
    assert _messages(response) == []


def test_a_validation_error_without_a_field_shows_above_the_form(client):
    response = client.post("/plumbing-test/strict/closed/", {"name": "Akerstraat"})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.non_field_errors() == ["Dit kan nu niet meer."]
    assert "Dit kan nu niet meer." in response.content.decode()
    assert _messages(response) == []


def test_permission_denied_from_the_service_gives_403(client):
    response = client.post("/plumbing-test/strict/forbidden/", {"name": "Akerstraat"})

    assert len(calls) == 1
    assert response.status_code == 403
    assert _messages(response) == []
