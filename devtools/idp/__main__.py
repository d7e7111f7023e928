"""Run the demo identity provider: `python -m devtools.idp serve --port 8090 --site URL`.

`setup` only migrates its SQLite file and (re)creates the test people and the two clients
(DigiD and eHerkenning, each with the callback URLs of the given Wijkplein sites); `serve`
does that and then serves on 127.0.0.1:PORT. Wijkplein finds it through
DIGID_OIDC_SERVER_URL=http://127.0.0.1:PORT/o (and EHERKENNING_...), see README.
"""

from __future__ import annotations

import argparse
import os

CLIENTS = {
    "digid": ("wijkplein-digid", "wijkplein-digid-secret"),
    "eherkenning": ("wijkplein-eherkenning", "wijkplein-eherkenning-secret"),
}


def setup(sites: list[str]) -> None:
    """Migrate, and create the people and the clients (idempotent)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    from devtools.idp.people import PASSWORD, PEOPLE

    call_command("migrate", "--noinput", verbosity=0)
    user_model = get_user_model()
    for username in PEOPLE:
        user, _ = user_model.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
    application_model = get_application_model()
    for broker, (client_id, secret) in CLIENTS.items():
        redirect_uris = " ".join(
            f"{site.rstrip('/')}/accounts/oidc/{broker}/login/callback/" for site in sites
        )
        application_model.objects.filter(client_id=client_id).delete()
        application_model.objects.create(
            name=broker,
            client_id=client_id,
            client_secret=secret,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uris,
            post_logout_redirect_uris=" ".join(sites),
            algorithm=application_model.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.idp")
    parser.add_argument("command", choices=["setup", "serve"])
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument(
        "--site",
        action="append",
        default=[],
        help="a Wijkplein site allowed to log in here (repeatable)",
    )
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.idp.settings"
    import django

    django.setup()
    setup(args.site or ["http://127.0.0.1:8000"])
    if args.command == "serve":
        from django.core.management import call_command

        call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False)


if __name__ == "__main__":
    main()
