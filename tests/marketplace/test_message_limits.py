"""Negotiation threads are limited: messages per user, files per message and files per request."""
import pytest

from app.core.errors import Invalid, RateLimited
from app.marketplace import services as rs

PDF = ("brief.pdf", "application/pdf", b"%PDF-1.4 tiny")


def test_negotiation_messages_are_rate_limited(app, request_ctx, market, make_request, monkeypatch):
    monkeypatch.setitem(app.config, "NEGOTIATION_MESSAGE_RATE", "3 per minute")
    req = make_request()
    for n in range(3):
        rs.post_message(actor=market.founder, request_id=req.id, body=f"Question {n}")
    with pytest.raises(RateLimited):
        rs.post_message(actor=market.founder, request_id=req.id, body="One more")
    rs.post_message(actor=market.provider_user, request_id=req.id, body="The other side still writes")


def test_at_most_five_files_a_message(request_ctx, market, make_request):
    req = make_request()
    with pytest.raises(Invalid) as refused:
        rs.post_message(actor=market.founder, request_id=req.id, body="", attachments=[PDF] * 6)
    assert "file" in refused.value.details
    rs.post_message(actor=market.founder, request_id=req.id, body="", attachments=[PDF] * 5)


def test_a_requests_thread_holds_at_most_its_quota_of_files(app, request_ctx, market, make_request, monkeypatch):
    monkeypatch.setitem(app.config, "NEGOTIATION_MESSAGE_RATE", "1000 per minute")
    req = make_request()
    for n in range(rs.REQUEST_FILES_QUOTA // rs.MAX_FILES_PER_MESSAGE):
        side = market.founder if n % 2 else market.provider_user
        rs.post_message(actor=side, request_id=req.id, body="", attachments=[PDF] * rs.MAX_FILES_PER_MESSAGE)
    with pytest.raises(rs.TooLarge) as refused:
        rs.post_message(actor=market.founder, request_id=req.id, body="", attachments=[PDF])
    assert refused.value.code == "attachment_quota"
    rs.post_message(actor=market.founder, request_id=req.id, body="Words still go through")
    other = make_request()
    rs.post_message(actor=market.founder, request_id=other.id, body="", attachments=[PDF])


def test_the_quota_is_explained_in_chinese(app, db, market, make_request, monkeypatch):
    monkeypatch.setattr(rs, "REQUEST_FILES_QUOTA", 1)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        req = make_request()
        rs.post_message(actor=market.founder, request_id=req.id, body="", attachments=[PDF])
        with pytest.raises(rs.TooLarge) as refused:
            rs.post_message(actor=market.founder, request_id=req.id, body="", attachments=[PDF])
    assert "文件上限" in refused.value.message
