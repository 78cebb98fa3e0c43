"""Settings, read once from the environment with defaults that need no server.

The default is a development install: SQLite under ``instance/`` and an
embedded Celery broker (kombu's SQLAlchemy transport on a SQLite file), so a
newcomer runs the portal at once. Production sets ``PORTAL_ENV=production``
and gives PostgreSQL and Redis URLs; it refuses to start without a secret key.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment asks for something the portal will not run with."""


def _instance_dir(given: str | None) -> Path:
    path = Path(given or os.environ.get("PORTAL_INSTANCE") or Path.cwd() / "instance").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _development_secret(instance: Path) -> str:
    """Generate the development secret once and keep it, so sessions survive restarts."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def derived_scope_key(secret: str) -> str:
    """The row-level-security scope key, when not set on its own: derived one way from SECRET_KEY.

    So production, which must set SECRET_KEY, always has one; and the key the database
    holds (readable by the owner role only) does not reveal SECRET_KEY.
    """
    return hmac.new(secret.encode(), b"portal row-level security scope key", hashlib.sha256).hexdigest()


def _trusted_hosts(env, public_url: str, production: bool) -> list[str] | None:
    """The Host header values the portal answers to: PUBLIC_URL's host in production, any in development."""
    from portal.public_url import public_host

    given = [name.strip() for name in env.get("TRUSTED_HOSTS", "").split(",") if name.strip()]
    if given:
        return given
    return [public_host(public_url)] if production else None


def _networks(given: str) -> list:
    """Comma-separated addresses or CIDR networks, e.g. ``10.0.0.0/8,127.0.0.1``."""
    import ipaddress

    return [ipaddress.ip_network(part.strip(), strict=False) for part in given.split(",") if part.strip()]


def load_settings(overrides: dict | None = None) -> dict:
    """Return the Flask settings for this process."""
    env = os.environ
    overrides = overrides or {}
    instance = _instance_dir(overrides.get("INSTANCE_DIR"))
    mode = env.get("PORTAL_ENV", "development")
    production = mode == "production"

    secret = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set when PORTAL_ENV=production")
        secret = _development_secret(instance)

    scope_key = overrides.get("RLS_SCOPE_KEY") or env.get("RLS_SCOPE_KEY") or derived_scope_key(secret)

    database_url = env.get("DATABASE_URL", f"sqlite:///{instance / 'portal.db'}")
    broker_url = env.get("CELERY_BROKER_URL", f"sqla+sqlite:///{instance / 'broker.db'}")
    result_backend = env.get("CELERY_RESULT_BACKEND", f"db+sqlite:///{instance / 'results.db'}")

    public_url = env.get("PUBLIC_URL", "http://127.0.0.1:5000")
    settings = {
        "PORTAL_ENV": mode,
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": secret,
        # Signs each transaction's tenant scope for PostgreSQL's row-level security (tenants/rls.py);
        # `flask db upgrade` copies it into a table only the owner role reads (docs/security.md).
        "RLS_SCOPE_KEY": scope_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Migrations run as the role that owns the tables; the app itself
        # connects as a role that owns nothing, so row-level security binds it.
        "MIGRATION_DATABASE_URL": env.get("MIGRATION_DATABASE_URL", database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CELERY": {
            "broker_url": broker_url,
            "result_backend": result_backend,
        },
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") == "1",
        "MAIL_SENDER": env.get("MAIL_SENDER", "portal@anchor-network.localhost"),
        "MAIL_OUTBOX": env.get("MAIL_OUTBOX", str(instance / "outbox")),
        "PUBLIC_URL": public_url,
        # Requests naming any other host are refused (400) in production; absolute addresses
        # come from PUBLIC_URL alone (portal/public_url.py). More names: TRUSTED_HOSTS=a.org,b.org.
        "TRUSTED_HOSTS": _trusted_hosts(env, public_url, production),
        # Counted in Redis when the broker is Redis, so every web process shares one count;
        # in memory (per process) only in the embedded default.
        "RATELIMIT_STORAGE_URI": env.get(
            "RATELIMIT_STORAGE_URI", broker_url if broker_url.startswith(("redis://", "rediss://")) else "memory://"
        ),
        "RATELIMIT_HEADERS_ENABLED": False,
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        # Failed sign-ins only (portal/accounts/sign_in_limits.py). Each string's steps make the
        # wait grow with the failures; the per-account one stays under ASVS 2.2.1's 100 an hour.
        "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS": env.get(
            "SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS", "3 per 10 seconds;5 per minute;10 per 15 minutes"
        ),
        "SIGN_IN_FAILURES_PER_ADDRESS": env.get("SIGN_IN_FAILURES_PER_ADDRESS", "30 per 15 minutes;100 per day"),
        "SIGN_IN_FAILURES_PER_ACCOUNT": env.get("SIGN_IN_FAILURES_PER_ACCOUNT", "20 per 15 minutes;60 per hour"),
        # A browser that signed in to the account before (its device cookie): its own count, as a person's.
        "SIGN_IN_FAILURES_PER_DEVICE": env.get("SIGN_IN_FAILURES_PER_DEVICE", "3 per 10 seconds;5 per minute;10 per 15 minutes"),
        "SIGN_IN_DEVICE_DAYS": int(env.get("SIGN_IN_DEVICE_DAYS", "180")),
        "SUPPLIER_REPORT_LIMIT_PER_ADDRESS": env.get("SUPPLIER_REPORT_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "SUPPLIER_REPORT_LIMIT_PER_LINK": env.get("SUPPLIER_REPORT_LIMIT_PER_LINK", "20 per 15 minutes"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or env.get("SESSION_COOKIE_SECURE") == "1",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(env.get("SESSION_IDLE_MINUTES", "30"))),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=int(env.get("SESSION_ABSOLUTE_HOURS", "12"))),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env.get("SESSION_ABSOLUTE_HOURS", "12"))),
        "INVITATION_MAX_AGE": timedelta(days=7),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        # A registered SME's or VCSE's link to confirm its email address, and how often it may ask again.
        "EMAIL_VERIFICATION_MAX_AGE": timedelta(days=3),
        "VERIFICATION_RESEND_LIMIT": env.get("VERIFICATION_RESEND_LIMIT", "3 per hour"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "200")) * 1024 * 1024,
        # The Open Contracting ocid prefix of this portal's releases ("<prefix>-<network>-<id>").
        "OCDS_PREFIX": env.get("OCDS_PREFIX", "ocds-portal"),
        # The publisher prefix 360Giving registers for grant identifiers (360G-<prefix>-<id>); docs/open-data.md.
        "THREESIXTY_GIVING_PREFIX": env.get("THREESIXTY_GIVING_PREFIX", "portal"),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session does
        # The live Companies House lookup (portal/registers/lookup.py) is off without a key.
        "COMPANIES_HOUSE_API_KEY": env.get("COMPANIES_HOUSE_API_KEY", ""),
        "COMPANIES_HOUSE_API_URL": env.get("COMPANIES_HOUSE_API_URL", "https://api.company-information.service.gov.uk"),
        # Where every worker counts its requests against the published limit (600 per 5 minutes):
        # Redis when the broker is Redis, so all workers share one count; else per process.
        "COMPANIES_HOUSE_LIMITER_URL": env.get(
            "COMPANIES_HOUSE_LIMITER_URL", broker_url if broker_url.startswith(("redis://", "rediss://")) else "memory://"
        ),
        # A supplier looked up once is not looked up again for this many days.
        "COMPANIES_HOUSE_LOOKUP_AGAIN_DAYS": int(env.get("COMPANIES_HOUSE_LOOKUP_AGAIN_DAYS", "30")),
        # Operations (portal/operations, docs/deploy.md). TASK_QUEUES=named splits the work over the
        # queues of workers/routes.py, one kind of worker each; "one" (development) keeps a single queue.
        "TASK_QUEUES": env.get("TASK_QUEUES", "one"),
        "LOG_FORMAT": env.get("LOG_FORMAT", "text"),  # "json" in production: one object a line
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        "METRICS_ALLOWED_NETWORKS": _networks(env.get("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")),
        "WORKER_HEARTBEAT_EVERY": float(env.get("WORKER_HEARTBEAT_EVERY", "10")),
        "WORKER_HEARTBEAT_MAX_AGE": float(env.get("WORKER_HEARTBEAT_MAX_AGE", "60")),
        "SENTRY_DSN": env.get("SENTRY_DSN", ""),
        "SENTRY_TRACES_SAMPLE_RATE": env.get("SENTRY_TRACES_SAMPLE_RATE", "0"),
        # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none; trust no such header).
        "PROXY_FIX_HOPS": int(env.get("PROXY_FIX_HOPS", "0")),
        "ASSETS_DIR": env.get("PORTAL_ASSETS", str(Path(__file__).resolve().parent.parent / "node_modules")),
    }
    settings.update(overrides)
    return settings
