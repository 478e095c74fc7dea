"""Where a message goes: an SMTP server (``SMTP_URL``) or, without one, .eml files on disk."""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from nexus.config import Settings


class Transport(Protocol):
    def send(self, message: EmailMessage, name: str) -> None:
        """Deliver ``message``; return only once the far end has accepted it."""

    def close(self) -> None:
        """Let go of any connection (called after each batch and on errors)."""


class EmlTransport:
    """Writes each message to ``<directory>/<name>.eml`` (the embedded default, no server).

    The file is written under a temporary name then renamed: a reader never sees half a
    message, and a retry of the same row replaces its file instead of adding a second one.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage, name: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"{name}.eml"
        partial = self.directory / f".{name}.eml.part"
        partial.write_bytes(message.as_bytes())
        os.replace(partial, final)

    def close(self) -> None:
        return None


class SmtpConfigurationError(ValueError):
    """SMTP_URL cannot be used."""


class SmtpTransport:
    """One SMTP connection, opened on first use and kept for a batch.

    ``smtp://`` upgrades with STARTTLS whenever the server offers it (required with
    ``SMTP_REQUIRE_TLS``); ``smtps://`` is TLS from the first byte. Certificates are checked
    against the system's CAs, or ``SMTP_CA_FILE``.
    """

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_url is not None  # nosec B101 - chosen by make_transport
        url = urlsplit(settings.smtp_url.get_secret_value())
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise SmtpConfigurationError("SMTP_URL must look like smtp://user:pass@host:587")
        self.implicit_tls = url.scheme == "smtps"
        self.host = url.hostname
        self.port = url.port or (465 if self.implicit_tls else 587)
        self.username = unquote(url.username) if url.username else None
        self.password = unquote(url.password) if url.password else None
        self.require_tls = settings.smtp_require_tls
        self.timeout = settings.smtp_timeout_seconds
        self.context = ssl.create_default_context(cafile=settings.smtp_ca_file)
        self._smtp: smtplib.SMTP | None = None
        self.used_tls = False

    def _connect(self) -> smtplib.SMTP:
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.context
            )
            self.used_tls = True
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self.context)
                    smtp.ehlo()
                    self.used_tls = True
                elif self.require_tls:
                    raise smtplib.SMTPNotSupportedError("the server does not offer STARTTLS")
                else:
                    self.used_tls = False
            except BaseException:
                smtp.close()
                raise
        if self.username is not None:
            smtp.login(self.username, self.password or "")
        return smtp

    def send(  # pylint: disable=unused-argument  # the name is for files
        self, message: EmailMessage, name: str
    ) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.send_message(message)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def make_transport(settings: Settings) -> Transport:
    if settings.smtp_url is None or not settings.smtp_url.get_secret_value():
        return EmlTransport(settings.mail_outbox_dir)
    return SmtpTransport(settings)
