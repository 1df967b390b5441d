"""Hostile text in a negotiation thread's socket payload (NUL, lone surrogates): a `validation_error` ack naming
`body`, never an internal error, nothing stored (SQLite and PostgreSQL)."""
import logging

import pytest

from app.marketplace import services as request_services

HOSTILE = ["a\x00b", "bad \ud800 half", "\udfff"]


@pytest.mark.parametrize("text", HOSTILE)
def test_nul_and_lone_surrogates_get_a_validation_error(make_request, market, login, socket_client, caplog, text):
    caplog.set_level(logging.ERROR)
    req = make_request("quoted")
    sc = socket_client(login(market.founder))
    assert sc.emit("request:join", {"request_id": req.id}, callback=True)["ok"]
    ack = sc.emit("request:send", {"request_id": req.id, "body": text}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error", ack
    assert "body" in ack["error"]["details"]
    assert request_services.list_messages(actor=market.founder, request_id=req.id, after_id=None) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
