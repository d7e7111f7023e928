"""The only module that reads environment variables.

Settings modules import the typed values from here, so what the site can be
configured with is listed in one place (and mirrored in `.env.example`).
"""

import ipaddress
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class MissingSetting(RuntimeError):
    """A setting that production cannot run without is absent."""


def _get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _bool(name: str, default: bool) -> bool:
    value = _get(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    value = _get(name, "") or ""
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = _get("SECRET_KEY")
DEBUG = _bool("DEBUG", False)
ALLOWED_HOSTS = _list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")
DATABASE_URL = _get("DATABASE_URL")
REDIS_URL = _get("REDIS_URL")
# The release being run (a commit or version tag), set by the deployment.
RELEASE = _get("RELEASE")
# PostgreSQL prepares repeated statements (server-side binding). Off by default: a pooler
# in transaction mode (PgBouncer's default) breaks prepared statements.
DATABASE_PREPARED_STATEMENTS = _bool("DATABASE_PREPARED_STATEMENTS", False)
# The database is reached through a pooler in transaction mode (PgBouncer's pool_mode =
# transaction): consecutive transactions may land on different server connections, so no
# server-side cursors (QuerySet.iterator() outside a transaction would lose its cursor).
DATABASE_TRANSACTION_POOLING = _bool("DATABASE_TRANSACTION_POOLING", False)
# Lets parallel test runs on one PostgreSQL server use separate test databases.
DATABASE_TEST_NAME = _get("DATABASE_TEST_NAME")
# A separate secret for keyed hashes of voters and codes, so rotating the
# session secret does not unlink ballots from their voters.
HASH_SECRET = _get("HASH_SECRET")
EMAIL_HOST = _get("EMAIL_HOST")
EMAIL_PORT = int(_get("EMAIL_PORT", "587") or "587")
EMAIL_HOST_USER = _get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = _get("DEFAULT_FROM_EMAIL", "Wijkplein <noreply@wijkplein.local>")
SITE_URL = _get("SITE_URL", "http://127.0.0.1:8000")
MEDIA_ROOT = _get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
STATIC_ROOT = _get("STATIC_ROOT", str(BASE_DIR / "var" / "static"))
PRIVATE_MEDIA_ROOT = _get("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private"))
SQLITE_PATH = _get("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3"))
# Where the file-based e-mail backend writes (the browser tests read mails there).
EMAIL_FILE_PATH = _get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
# The reverse proxies in front of gunicorn (production: the TLS terminator), as networks
# (comma-separated CIDRs: "172.30.0.10/32,10.0.0.0/8"). Only a request coming from one of
# them has its X-Forwarded-For believed: rate limits per address then see the resident, not
# the proxy, and a request to the app port itself cannot pick an address.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(cidr, strict=False)) for cidr in _list("TRUSTED_PROXIES")
]
# Replaced by TRUSTED_PROXIES (a count let a direct request forge its address); production
# refuses to start when only this old setting is given.
LEGACY_TRUSTED_PROXY_COUNT = _get("TRUSTED_PROXY_COUNT")
MUNICIPALITY_NAME = _get("MUNICIPALITY_NAME", "Gemeente Voorbeeld")

# --- Running on a platform (plumbing/health.py, metrics.py, logs.py; docs/operations.md) ---
# Who may read /metrics: requests straight from these networks (comma-separated CIDRs; the
# pod network on Kubernetes), or any request with "Authorization: Bearer <METRICS_TOKEN>".
METRICS_ALLOWED_IPS = _list("METRICS_ALLOWED_IPS") or ["127.0.0.1/32", "::1/128"]
METRICS_TOKEN = _get("METRICS_TOKEN", "")
# "json": one JSON object per log line on stdout (production's default); "text": readable.
LOG_FORMAT = _get("LOG_FORMAT")
# S3-compatible object storage for uploads and private files (docs/operations.md); local
# folders (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) when no bucket is set. Private files (subsidy
# attachments, decision letters) go to their own bucket when one is named, else under
# private/ in the first; they are never given a public URL.
AWS_STORAGE_BUCKET_NAME = _get("AWS_STORAGE_BUCKET_NAME")
AWS_PRIVATE_STORAGE_BUCKET_NAME = _get("AWS_PRIVATE_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = _get("AWS_S3_ENDPOINT_URL")
AWS_S3_REGION_NAME = _get("AWS_S3_REGION_NAME")
AWS_ACCESS_KEY_ID = _get("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = _get("AWS_SECRET_ACCESS_KEY")
# Where public uploads (images, photos) are read from, e.g. a CDN host; else the bucket's URL.
AWS_S3_CUSTOM_DOMAIN = _get("AWS_S3_CUSTOM_DOMAIN")

# --- DigiD and eHerkenning through the municipality's OpenID Connect broker (identity/) ---
# A broker is offered on the login page only when its server URL is set. Levels of assurance
# are the broker's values (DigiD: the SAML authentication context classes; eHerkenning:
# urn:etoegang:core:assurance-class:loa2 ... loa4) or their short names (midden, loa3).
DIGID_OIDC_SERVER_URL = _get("DIGID_OIDC_SERVER_URL")
DIGID_OIDC_CLIENT_ID = _get("DIGID_OIDC_CLIENT_ID", "")
DIGID_OIDC_CLIENT_SECRET = _get("DIGID_OIDC_CLIENT_SECRET", "")
DIGID_MIN_LOA = _get("DIGID_MIN_LOA", "midden")
DIGID_BSN_CLAIM = _get("DIGID_BSN_CLAIM", "bsn")
DIGID_LOA_CLAIM = _get("DIGID_LOA_CLAIM", "loa")
EHERKENNING_OIDC_SERVER_URL = _get("EHERKENNING_OIDC_SERVER_URL")
EHERKENNING_OIDC_CLIENT_ID = _get("EHERKENNING_OIDC_CLIENT_ID", "")
EHERKENNING_OIDC_CLIENT_SECRET = _get("EHERKENNING_OIDC_CLIENT_SECRET", "")
EHERKENNING_MIN_LOA = _get("EHERKENNING_MIN_LOA", "loa3")
EHERKENNING_KVK_CLAIM = _get("EHERKENNING_KVK_CLAIM", "kvk")
EHERKENNING_NAME_CLAIM = _get("EHERKENNING_NAME_CLAIM", "company_name")
EHERKENNING_LOA_CLAIM = _get("EHERKENNING_LOA_CLAIM", "loa")
# The claim listing the services the person is authorised for on behalf of the organisation,
# and the service (dienst) of this platform that must be among them.
EHERKENNING_SERVICE_CLAIM = _get("EHERKENNING_SERVICE_CLAIM", "services")
EHERKENNING_SERVICE_ID = _get("EHERKENNING_SERVICE_ID", "wijkplein-subsidie")
# The key of the BSN hash that recognises a DigiD person again (the BSN itself is never
# stored); changing it unlinks every DigiD account.
BSN_HASH_KEY = _get("BSN_HASH_KEY")
# The Haal Centraal BRP Personen API: a DigiD login at the required level then verifies the
# residency with the address the BRP gives. Off by default.
BRP_ENABLED = _bool("BRP_ENABLED", False)
BRP_API_URL = _get("BRP_API_URL", "")
BRP_API_KEY = _get("BRP_API_KEY", "")
# The e-mail and password login; a municipality that logs everyone in with DigiD switches it off.
PASSWORD_LOGIN_ENABLED = _bool("PASSWORD_LOGIN_ENABLED", True)


def require(name: str, value: object) -> None:
    """Refuse to start when a setting production needs is missing."""
    if value in (None, "", []):
        raise MissingSetting(
            f"{name} must be set in the environment for production (see .env.example)."
        )
