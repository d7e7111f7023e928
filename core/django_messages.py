"""Django's own messages whose Dutch Django does not ship (yet): we translate them ourselves.

Never imported: makemessages reads these msgids so that our catalogue (LOCALE_PATHS, which
Django consults before any app's) carries the Dutch in locale/nl/strings/core_django.json.
Django 5.2 rewrote the minimum-length message with "%d"; its Dutch still has the old text, so
sign-up showed an English sentence on a Dutch page.
"""

from django.utils.translation import ngettext_lazy

PLURALS = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "count",
    ),
]
