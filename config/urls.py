"""URL configuration. Wagtail's page serving comes last and catches the rest."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    # The admin login goes through allauth (rate limits, two-factor).
    path(
        "cms-admin/login/",
        RedirectView.as_view(url="/accounts/login/?next=/cms-admin/", query_string=False),
    ),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("", include("review.urls")),
    path("", include("initiatives.urls")),
    path("", include("subsidies.urls")),
    path("", include("budget.urls")),
    path("", include("stats.urls")),
    path("", include("opendata.urls")),
    path("", include("cms.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
