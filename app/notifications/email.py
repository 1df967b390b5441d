"""Email delivery over SMTP, with the MAIL_* settings; printed to the log when MAIL_SERVER is unset.

`build_message` makes a standards-compliant `EmailMessage` (UTF-8 headers, so Chinese subjects
and names work; a plain-text body with an optional HTML alternative; optional attachments such as
.ics files). `deliver` sends it and reports success; it logs failures instead of raising, because
it runs after the caller's commit and an unreachable mail server must not break a request.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app

log = logging.getLogger(__name__)

Attachment = tuple[str, str, bytes]  # (filename, content type, content)


def build_message(*, to: str | Address | list, subject: str, text: str, html: str | None = None,
                  attachments: list[Attachment] | None = None, sender: str | None = None,
                  language: str | None = None, reply_to: str | None = None) -> EmailMessage:
    """An email with a text part, an optional HTML alternative and optional attachments."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = subject
    msg["From"] = sender or current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@localhost"
    msg["To"] = to if isinstance(to, (str, Address)) else list(to)
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=_sender_domain(str(msg["From"])))
    msg.set_content(text, charset="utf-8")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    if language:  # after set_content, which clears every Content-* header
        msg["Content-Language"] = language
    for filename, content_type, content in attachments or []:
        maintype, _, subtype = (content_type or "application/octet-stream").partition("/")
        msg.add_attachment(bytes(content), maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    return msg


def _sender_domain(sender: str) -> str | None:
    addr = parseaddr(sender)[1]
    return addr.rpartition("@")[2] if "@" in addr else None


def deliver(msg: EmailMessage) -> bool:
    """Send `msg` through the configured SMTP server, or log it when none is configured.

    Returns True when the message was handed over (or logged), False when sending failed.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("Email not sent (MAIL_SERVER is unset); it would have been:\n%s", readable(msg))
        return True
    try:
        with _connect(config) as smtp:
            _start(smtp, config)
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError, ValueError):
        log.exception("could not send email %r to %s", str(msg["Subject"]), msg["To"])
        return False
    log.info("email sent to %s: %s", msg["To"], msg["Subject"])
    return True


def _connect(config) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    if config.get("MAIL_USE_SSL"):
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    return smtplib.SMTP(host, port, timeout=timeout)


def _start(smtp: smtplib.SMTP, config) -> None:
    """STARTTLS (unless already on SSL) and login, each only when configured."""
    if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
        smtp.starttls(context=ssl.create_default_context())
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")


def readable(msg: EmailMessage) -> str:
    """The message as a person reads it (decoded headers and parts), for the development log."""
    lines = [f"{name}: {value}" for name, value in msg.items()]
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        lines.append("")
        if filename:
            payload = part.get_payload(decode=True) or b""
            lines.append(f"--- attachment {filename} ({part.get_content_type()}, {len(payload)} bytes)")
        else:
            lines.append(f"--- {part.get_content_type()}")
            lines.append(part.get_content().rstrip())
    return "\n".join(lines)
