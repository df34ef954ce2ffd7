"""The SMTP server confkit hands its mail to, named by a URL such as ``smtp://127.0.0.1:8025``.

Accepted URLs:

- ``smtp://host[:port]``: plain SMTP, port 25 by default;
- ``smtp://host:587?starttls=1``: plain SMTP upgraded with STARTTLS before anything is sent;
- ``smtps://host[:port]``: SMTP over TLS from the first byte, port 465 by default.

``user:password@`` before the host logs in (percent-encode ``@``, ``:`` and ``/`` in either);
``timeout=SECONDS`` bounds every network operation (30 by default).
"""

from __future__ import annotations

import enum
import smtplib
import ssl
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from confkit.errors import ConfkitError

DEFAULT_TIMEOUT = 30.0
_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class MailConfigError(ConfkitError, ValueError):
    """The mail settings (the SMTP URL, the sender address) cannot work as given."""


class SmtpSecurity(enum.StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class SmtpUnavailable(ConfkitError):
    """No usable connection to the SMTP server: unreachable, no TLS, or the login refused."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server."""

    host: str
    port: int
    security: SmtpSecurity = SmtpSecurity.NONE
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        """The server as a URL without the password, for messages and logs."""
        scheme = "smtps" if self.security is SmtpSecurity.TLS else "smtp"
        user = f"{self.username}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        starttls = "?starttls=1" if self.security is SmtpSecurity.STARTTLS else ""
        return f"{scheme}://{user}{host}:{self.port}{starttls}"


def parse_smtp_url(url: str) -> SmtpSettings:
    """The settings an ``smtp://`` or ``smtps://`` URL names. Raises MailConfigError, saying what
    is wrong, for anything else."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise MailConfigError(f"invalid SMTP URL {text!r}: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise MailConfigError(f"invalid SMTP URL {text!r}: it must start with smtp:// or smtps://")
    if not parts.hostname:
        raise MailConfigError(f"invalid SMTP URL {text!r}: it names no host")
    if parts.path not in ("", "/") or parts.fragment:
        raise MailConfigError(f"invalid SMTP URL {text!r}: only a host, a port and options")
    security = SmtpSecurity.TLS if scheme == "smtps" else SmtpSecurity.NONE
    timeout = DEFAULT_TIMEOUT
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        match name.lower():
            case "starttls":
                flag = value.lower()
                if flag not in _TRUE | _FALSE:
                    raise MailConfigError(f"invalid SMTP URL {text!r}: starttls must be 1 or 0")
                if flag in _TRUE:
                    if security is SmtpSecurity.TLS:
                        raise MailConfigError(
                            f"invalid SMTP URL {text!r}: smtps:// is TLS already, "
                            "starttls needs smtp://"
                        )
                    security = SmtpSecurity.STARTTLS
            case "timeout":
                try:
                    timeout = float(value)
                except ValueError:
                    timeout = 0.0
                if not timeout > 0:
                    raise MailConfigError(
                        f"invalid SMTP URL {text!r}: timeout must be a number of seconds above 0"
                    )
            case _:
                raise MailConfigError(
                    f"invalid SMTP URL {text!r}: unknown option {name!r} (known: starttls, timeout)"
                )
    return SmtpSettings(
        host=parts.hostname,
        port=port if port is not None else _DEFAULT_PORTS[scheme],
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout=timeout,
    )


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An SMTP connection ready for mail: greeted, secured as configured, logged in.

    Raises SmtpUnavailable, with the reason, when any of that fails.
    """
    try:
        smtp = _open(settings)
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpUnavailable(
            f"cannot connect to {settings.describe()}: {describe(error)}"
        ) from error
    try:
        smtp.ehlo()
        if settings.security is SmtpSecurity.STARTTLS:
            smtp.starttls(context=ssl.create_default_context())
            # The features offered before STARTTLS are forgotten; ask again over TLS.
            smtp.ehlo()
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except (OSError, smtplib.SMTPException) as error:
        smtp.close()
        raise SmtpUnavailable(f"cannot use {settings.describe()}: {describe(error)}") from error
    return smtp


def describe(error: BaseException) -> str:
    """An SMTP or network error in one line: the server's code and words when it sent any."""
    if isinstance(error, smtplib.SMTPResponseException):
        return reply_text(error.smtp_code, error.smtp_error)
    text = " ".join(str(error).split())
    return text or type(error).__name__


def reply_text(code: int, message: bytes | str) -> str:
    """A server reply as one line, e.g. ``550 5.1.1 no such user``."""
    words = message.decode(errors="replace") if isinstance(message, bytes) else message
    return " ".join(f"{code} {words}".split())


def _open(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security is SmtpSecurity.TLS:
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
