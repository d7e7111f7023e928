"""wagtail.users with our Users screen (core/wagtail_users.py); its own module because an app
config is imported before the models, and the screen's views need them."""

from wagtail.users.apps import WagtailUsersAppConfig


class WagtailUsersConfig(WagtailUsersAppConfig):
    """wagtail.users, whose Users screen shows a functional administrator the editorial roles."""

    user_viewset = "core.wagtail_users.UserViewSet"
