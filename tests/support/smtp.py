"""A real SMTP server for the mail tests: aiosmtpd on a free 127.0.0.1 port, in a thread."""

from __future__ import annotations

import subprocess  # nosec B404 - openssl with fixed arguments
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.services import free_port

HOST = "127.0.0.1"


@dataclass
class Inbox:
    """What the server accepted; ``accept_limit`` makes it refuse MAIL FROM (451) beyond it."""

    messages: list[EmailMessage] = field(default_factory=list)
    accept_limit: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(  # noqa: N802 # pylint: disable=invalid-name  # aiosmtpd's hook
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            full = self.accept_limit is not None and len(self.messages) >= self.accept_limit
        if full:
            return "451 4.3.0 Try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 # pylint: disable=invalid-name  # aiosmtpd's hook
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        parsed["X-Test-Rcpt"] = ",".join(envelope.rcpt_tos)
        parsed["X-Test-TLS"] = "yes" if session.ssl else "no"
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == user
            and data.password.decode() == password
        )
        return AuthResult(success=ok)

    return check


class SmtpServer:
    """Start, stop and restart an aiosmtpd server on one port, keeping its inbox."""

    def __init__(self, inbox: Inbox, **smtp_options: Any) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.options = smtp_options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname=HOST, port=self.port, **self.options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def url(self, user: str | None = None, password: str | None = None) -> str:
        credentials = f"{user}:{password}@" if user else ""
        return f"smtp://{credentials}{HOST}:{self.port}"


def tls_server_options(directory: Path, user: str, password: str) -> tuple[dict[str, Any], Path]:
    """STARTTLS with a self-signed certificate for 127.0.0.1 made here; (options, CA file)."""
    import ssl

    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # nosec B603 B607 - fixed arguments
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=IP:{HOST}",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    options = {
        "tls_context": context,
        "require_starttls": True,
        "authenticator": _authenticator(user, password),
        "auth_required": True,
    }
    return options, cert
