"""The demo identity provider's URLs: django-oauth-toolkit under /o/, a login page, a cancel."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import include, path
from oauth2_provider.models import get_application_model


def cancel(request: HttpRequest):
    """The person cancels at the IdP: back to the client with error=access_denied (RFC 6749
    4.1.2.1), only to a redirect URI registered for that client."""
    query = parse_qs(urlsplit(request.GET.get("next", "")).query)
    client_id = (query.get("client_id") or [""])[0]
    redirect_uri = (query.get("redirect_uri") or [""])[0]
    application = get_application_model().objects.filter(client_id=client_id).first()
    if application is None or not application.redirect_uri_allowed(redirect_uri):
        return HttpResponseBadRequest("Unknown client or redirect URI.")
    params = {"error": "access_denied", "state": (query.get("state") or [""])[0]}
    return HttpResponseRedirect(f"{redirect_uri}?{urlencode(params)}")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("cancel/", cancel, name="cancel"),
]
