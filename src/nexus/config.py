"""Typed settings, read from the environment only (12-factor).

Nothing reads them at import time: ``create_app`` builds a ``Settings`` (or receives one from
the tests) and everything else gets its values from ``app.extensions["settings"]``.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from stdnum.fr import siret
from zxcvbn import zxcvbn

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-0123456789"  # nosec B105 - dev default
MIN_SECRET_LENGTH = 32
# zxcvbn's estimate of the guesses an attacker needs (log10). It counts dictionary words,
# repetitions, sequences and keyboard walks at their real cost and random characters at
# about 3.3 bits each: 10^40 (~133 bits) refuses every guessable key we tried and accepts
# what secrets.token_urlsafe(48) gives (10^62 at the least over 200 draws, 10^64 typically).
MIN_SECRET_GUESSES_LOG10 = 40.0
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input: longer keys are scored per 72 characters
# OWASP Password Storage Cheat Sheet (argon2id): these (time cost -> minimum memory in KiB), one
# lane each, give an equal defence; a time cost of 5 or more needs 7 MiB. Production refuses
# anything weaker. The default, 19 MiB x 2 passes, is OWASP's first recommendation and was
# chosen by measurement (docs/performance.md, "Logins").
OWASP_ARGON2ID_MIN_MEMORY_KIB = {1: 47_104, 2: 19_456, 3: 12_288, 4: 9_216, 5: 7_168}


def argon2_meets_owasp(time_cost: int, memory_cost_kib: int) -> bool:
    """Whether argon2id with these costs is at least one of OWASP's recommended settings."""
    needed = OWASP_ARGON2ID_MIN_MEMORY_KIB[min(time_cost, 5)] if time_cost >= 1 else None
    return needed is not None and memory_cost_kib >= needed


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The configuration cannot be used; the message is one line saying why."""


def secret_guesses_log10(secret: str) -> float:
    """How hard ``secret`` is to guess (log10 of zxcvbn's guesses, chunks multiplied)."""
    chunks = range(0, len(secret), ZXCVBN_MAX_LENGTH)
    return sum(float(zxcvbn(secret[i : i + ZXCVBN_MAX_LENGTH])["guesses_log10"]) for i in chunks)


def _url_scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def default_sqlite_url() -> str:
    return f"sqlite:///{Path('instance').resolve() / 'nexus.db'}"


class ModelPrice(BaseModel):
    """What a model's tokens cost, in euros per million tokens."""

    prompt: float = Field(ge=0)
    completion: float = Field(ge=0)


# Approximations of the providers' list prices (euros per million tokens); set ARIA_PRICES
# (JSON, e.g. {"gpt-4o-mini": {"prompt": 0.14, "completion": 0.55}}) to the contract's.
DEFAULT_PRICES = {
    "gpt-4o-mini": ModelPrice(prompt=0.14, completion=0.55),
    "gpt-4o": ModelPrice(prompt=2.3, completion=9.2),
    "gpt-4.1-mini": ModelPrice(prompt=0.37, completion=1.5),
}


class TaxCreditRule(BaseModel):
    """What opens the services-à-la-personne tax credit (CGI art. 199 sexdecies).

    The default is the legal rule for tutoring (Code du travail D7231-1, "soutien scolaire ou
    cours à domicile"): individual lessons at the family's home. Sessions are eligible when
    their ``kind`` and ``place`` are both listed; an enrollment's invoice line when its
    offer's kind is (offers do not say where their lessons happen). Values are the enums'.
    """

    model_config = ConfigDict(frozen=True)

    session_kinds: frozenset[Literal["individual", "group"]] = frozenset({"individual"})
    places: frozenset[Literal["at_home", "online", "centre"]] = frozenset({"at_home"})
    offer_kinds: frozenset[
        Literal["individual", "small_group", "holiday_intensive", "aria_online"]
    ] = frozenset({"individual"})


class BusinessIdentity(BaseModel):
    """Who issues the invoices, printed on every billing document (docs/billing.md).

    Set BILLING_BUSINESS (JSON) in each deployment; the defaults describe the demo company.
    """

    model_config = ConfigDict(frozen=True)

    legal_name: str = Field(default="Nexus Réussite SAS", min_length=1, max_length=200)
    address: str = Field(default="12 rue des Écoles, 75005 Paris", min_length=1)
    siret: str = "73282932000074"
    vat_number: str = ""
    # VAT rate in basis points (1000 = 10 %); 0 with ``vat_exemption_mention`` printed.
    vat_rate_bp: int = Field(default=0, ge=0, le=10_000)
    vat_exemption_mention: str = "TVA non applicable, art. 293 B du CGI"
    sap_declaration_number: str = "SAP732829320"
    sap_declaration_date: date = date(2024, 9, 1)
    payment_term_days: int = Field(default=30, ge=0, le=60)
    # Late-payment penalty: annual rate in basis points (three times the legal interest rate
    # is the minimum between professionals, L441-10; printed for consumers too).
    late_penalty_rate_bp: int = Field(default=1_500, ge=0)
    early_payment_discount: str = "Pas d'escompte pour paiement anticipé."
    # BILLING_BUSINESS={"tax_credit_rule": {"places": ["at_home"], ...}}
    tax_credit_rule: TaxCreditRule = Field(default_factory=TaxCreditRule)

    @field_validator("siret")
    @classmethod
    def _valid_siret(cls, value: str) -> str:
        compact = siret.compact(value)
        if not siret.is_valid(compact):
            raise ValueError("BILLING_BUSINESS.siret is not a valid SIRET number")
        return compact

    @property
    def siren(self) -> str:
        return siret.to_siren(self.siret)


class Settings(BaseSettings):
    """Every knob of the service. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", frozen=True)

    env: Environment = Field(default=Environment.DEVELOPMENT, alias="NEXUS_ENV")
    database_url: str = Field(default_factory=default_sqlite_url)
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    openai_max_retries: int = Field(default=1, ge=0, le=10)
    # ARIA guardrails: per-user daily quotas (reset at midnight Europe/Paris), sizes, breaker.
    aria_daily_message_quota: int = Field(default=50, ge=0)
    aria_daily_token_quota: int = Field(default=50_000, ge=0)
    aria_max_message_chars: int = Field(default=2000, ge=1, le=20_000)
    aria_max_conversation_messages: int = Field(default=100, ge=2)
    aria_circuit_failure_threshold: int = Field(default=3, ge=1)
    aria_circuit_reset_seconds: float = Field(default=30.0, gt=0)
    aria_context_items: int = Field(default=4, ge=1, le=10)
    aria_history_messages: int = Field(default=10, ge=0, le=50)
    aria_max_completion_tokens: int = Field(default=800, ge=16, le=16_000)
    # GDPR storage limitation: ARIA's conversations, plans and usage ledger older than this
    # are deleted by `nexus purge-aria-data` (a daily CronJob).
    aria_retention_days: int = Field(default=365, ge=30, le=3650)
    # Cost monitoring: token prices per model, and a monthly budget (euros, Paris months)
    # beyond which ARIA answers offline; 0 means no budget.
    aria_prices: dict[str, ModelPrice] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    aria_monthly_budget_eur: float = Field(default=0.0, ge=0)

    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86_400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86_400, ge=300)
    # How long a process trusts its own "this session is not revoked" (nexus.accounts.revocation).
    # Off by default: a logout must hold at once in every worker (security over ~0.1 ms).
    revocation_cache_seconds: float = Field(default=0.0, ge=0, le=60)
    # Sign-in throttling (nexus.ratelimit, docs/rate-limits.md): failures only, per account
    # from one address; a short, much higher per-account ceiling; failures per address.
    login_limit_per_account_address: str = "5 per minute;20 per hour"
    login_limit_per_account: str = "30 per minute"
    login_limit_per_address: str = "30 per minute"
    register_limit_per_address: str = "20 per 10 minutes"
    # The public catalogue (nexus.catalogue): every request, per address, all its routes together.
    catalogue_limit_per_address: str = "120 per minute"
    # Account recovery (nexus.accounts.recovery, docs/accounts.md): token lifetimes and throttles.
    password_reset_ttl_seconds: int = Field(default=3600, ge=60, le=86_400)
    email_verification_ttl_seconds: int = Field(default=48 * 3600, ge=60, le=30 * 86_400)
    email_change_ttl_seconds: int = Field(default=24 * 3600, ge=60, le=30 * 86_400)
    password_reset_limit_per_address: str = "10 per hour"
    password_reset_limit_per_email: str = "3 per hour"
    # Resending a verification e-mail; checking the current password (password/e-mail change).
    account_email_limit_per_user: str = "3 per hour"
    current_password_limit_per_user: str = "10 per hour"
    # Reverse proxies in front of the app whose X-Forwarded-For entry is believed (Werkzeug's
    # ProxyFix): 0 here, the header is ignored; 1 behind ingress-nginx (the overlays' ConfigMap).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_memory_cost_kib: int = Field(default=19_456, ge=8)
    argon2_parallelism: int = Field(default=1, ge=1)
    password_hash_concurrency: int = Field(default=1, ge=1, le=64)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_content_length: int = Field(default=1_048_576, ge=1024)
    log_level: str = "INFO"
    log_json: bool = True
    # Log lines are written in batches this often (nexus.ops.log_buffer); 0 = each at once.
    log_flush_seconds: float = Field(default=0.2, ge=0, le=5)
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_ms: int = Field(default=10_000, ge=0)
    # SQLite only: take the write lock when a transaction begins, so that concurrent writers
    # wait for each other (busy_timeout) instead of failing when a read turns into a write.
    sqlite_immediate_transactions: bool = True
    cache_key_prefix: str = "nexus:"
    # Response cache (nexus.cache): entry lifetime; 0 turns the cache off.
    cache_ttl_seconds: int = Field(default=30, ge=0, le=3600)
    # After a Redis error the cache is bypassed for this long before Redis is tried again.
    cache_bypass_seconds: float = Field(default=5.0, ge=0, le=300)
    # How many processes serve the app (gunicorn_conf exports it): an in-process cache is only
    # coherent in a single process.
    worker_processes: int = Field(default=1, ge=1, alias="NEXUS_WORKER_PROCESSES")
    # E-mail (nexus.mail, docs/mail.md): smtp://user:pass@host:587 (STARTTLS when offered) or
    # smtps://host:465; unset, the worker writes .eml files to ``mail_outbox_dir`` instead.
    smtp_url: SecretStr | None = None
    smtp_require_tls: bool = False
    smtp_ca_file: str | None = None
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    mail_from: str = "Nexus Réussite <no-reply@nexus-reussite.fr>"
    mail_outbox_dir: str = "instance/outbox"
    mail_poll_seconds: float = Field(default=2.0, gt=0, le=300)
    mail_max_attempts: int = Field(default=8, ge=1, le=50)
    mail_backoff_seconds: float = Field(default=30.0, gt=0)
    mail_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    # A claimed row is due again after this long if its worker died before saying how it went.
    mail_lease_seconds: float = Field(default=300.0, gt=0)
    mail_batch_size: int = Field(default=20, ge=1, le=500)
    mail_heartbeat_file: str | None = None
    # Where links in e-mails point (the unsubscribe link).
    public_base_url: str = "http://127.0.0.1:8000"
    billing_business: BusinessIdentity = Field(default_factory=BusinessIdentity)
    build_version: str = "0.1.0"
    build_commit: str = "unknown"

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        # URL schemes are case-insensitive (RFC 3986): SQLITE:/// is SQLite, and is refused
        # in production like sqlite:///; SQLAlchemy only knows the lower-case names.
        scheme = _url_scheme(value)
        if not scheme:
            return value
        rest = value.split("://", 1)[1]
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the psycopg 3 driver.
        if scheme in ("postgres", "postgresql"):
            scheme = "postgresql+psycopg"
        return f"{scheme}://{rest}"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if self.env is not Environment.PRODUCTION:
            return self
        secret = self.secret_key.get_secret_value()
        if secret == DEV_SECRET_KEY or not secret:
            raise ConfigurationError("SECRET_KEY is missing: production needs its own secret key")
        if (
            len(secret) < MIN_SECRET_LENGTH
            or secret_guesses_log10(secret) < MIN_SECRET_GUESSES_LOG10
        ):
            raise ConfigurationError(
                "SECRET_KEY is weak (guessable: words, repetitions, sequences or too short): "
                'generate one with python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        if self.is_sqlite:
            raise ConfigurationError("DATABASE_URL points to SQLite: production needs PostgreSQL")
        if not argon2_meets_owasp(self.argon2_time_cost, self.argon2_memory_cost_kib):
            raise ConfigurationError(
                f"ARGON2_TIME_COST={self.argon2_time_cost} with ARGON2_MEMORY_COST_KIB="
                f"{self.argon2_memory_cost_kib} is below OWASP's argon2id minimum "
                "(e.g. 2 passes over 19456 KiB, or 1 over 47104)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return _url_scheme(self.database_url).startswith("sqlite")

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def aria_online(self) -> bool:
        return self.openai_api_key is not None and bool(self.openai_api_key.get_secret_value())


def load_settings() -> Settings:
    """Settings from the environment; a bad configuration stops the process with one line."""
    try:
        return Settings()
    except ConfigurationError as exc:
        reason = str(exc)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]).upper()
        reason = f"{field}: {first['msg']}"
    print(f"nexus: refusing to start: {reason}", file=sys.stderr)
    raise SystemExit(2)
