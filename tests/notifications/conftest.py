"""Notification fixtures: a real SMTP server in-process (aiosmtpd) and a notification factory."""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _ConfigPatch:
    """Set app.config keys for one test and put back exactly what was there."""

    def __init__(self, app, **values):
        self.app = app
        self.saved = {key: app.config[key] for key in values if key in app.config}
        self.added = [key for key in values if key not in app.config]
        app.config.update(values)

    def restore(self):
        self.app.config.update(self.saved)
        for key in self.added:
            self.app.config.pop(key, None)


@pytest.fixture
def smtp_server(app):
    """A running SMTP server on 127.0.0.1; MAIL_SERVER/MAIL_PORT point at it during the test."""
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    patch = _ConfigPatch(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield handler
    finally:
        patch.restore()
        controller.stop()


@pytest.fixture
def dead_smtp(app):
    """MAIL_SERVER pointing at a port nobody listens on."""
    patch = _ConfigPatch(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    try:
        yield
    finally:
        patch.restore()


@pytest.fixture
def notify(db):
    """notify(user, kind="welcome", data=None, url=None, email=False) through the real service."""
    from app.notifications import services

    def make(user, kind: str = "welcome", data: dict | None = None, url: str | None = None, email=False):
        return services.notify(user=user, kind=kind, data=data if data is not None else {"name": user.name},
                               url=url, email=email)

    return make
