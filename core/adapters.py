"""allauth adapter: account e-mails go through the task queue like all other mail."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from core.models import Profile
from core.rules import is_council_staff
from plumbing.mail import queue_email, site_link
from plumbing.ratelimit import client_address


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's messages (verification, password reset) via plumbing.mail."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        # allauth builds its links on the request's host; e-mail links use SITE_URL.
        for key in ("activate_url", "password_reset_url", "signup_url"):
            if ctx.get(key):
                ctx[key] = site_link(ctx[key])
        queue_email(self.render_mail(template_prefix, email, ctx))

    def get_login_redirect_url(self, request) -> str:
        """Residents land on their own page; an account without a resident profile (a
        superuser, an editor, staff made by a command) on the page of what it may do."""
        user = request.user
        if Profile.objects.filter(user=user).exists():
            return super().get_login_redirect_url(request)
        if is_council_staff(user):
            return reverse("core:staff_home")
        if user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return "/"

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits (and ours) key on: X-Forwarded-For is believed
        only from TRUSTED_PROXIES, networks allauth's proxy count cannot express."""
        return client_address(request)
