"""Cooperation signing (签约): the agreement drawn up from the accepted quote, the listing's category fields and
the request, in both languages; explicit signatures by both sides; the work starts only once both signed; the
PDF with its Chinese text (read back with PDFium); the public hash check."""
import hashlib
import io
from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.core.errors import Conflict, Invalid
from app.marketplace import agreements
from app.marketplace import services as rs


def _quote_document(market, req):
    rs.quote(actor=market.provider_user, request_id=req.id, lines=[
        {"description": "A100 节点 GPU hours", "quantity": "10", "unit_price": "12.50"},
        {"description": "数据迁移 Data migration", "quantity": "1", "unit_price": "300"}],
        tax_rate="6", fapiao_type="special", note="交付后开票",
        milestones=[{"title": "环境就绪 Environment ready", "due_on": utcnow().date() + timedelta(days=7)}])


@pytest.fixture
def accepted(request_ctx, market, make_request):
    req = make_request("submitted")
    _quote_document(market, req)
    rs.accept(actor=market.founder, request_id=req.id, quote_id=rs.current_quote_id(req.id))
    return rs.get_request(req.id, viewer=market.founder)


def test_the_agreement_is_the_accepted_quote_in_both_languages_with_numbered_clauses(accepted):
    terms = accepted.agreement.terms
    english, chinese = terms.split("=" * 40)
    assert accepted.agreement.terms_sha256 == hashlib.sha256(terms.encode()).hexdigest()
    assert accepted.agreement.quote_id == accepted.current_quote.id
    assert "1. Parties" in english and "1.1 Provider:" in english and "3. Price (quote version 1" in english
    assert "A100 节点 GPU hours: 10 × ¥12.50 = ¥125.00" in english and "Tax at 6%: ¥25.50" in english
    assert "Total: ¥450.50, in Chinese yuan (CNY)" in english and "Special VAT fapiao" in english
    assert "Accelerator model: A100" in english and "Milestone: 环境就绪 Environment ready, by" in english
    assert "Payment terms: Cash" in english and "Provider's terms: 交付后开票" in english
    assert "1. 合作双方" in chinese and "增值税专用发票" in chinese and "加速卡型号：A100" in chinese
    assert "总价：¥450.50" in chinese or "合计：¥450.50" in chinese
    for code in ("compute", "special", "cash", "fixed", "CATEGORY"):
        assert f" {code}" not in chinese and f"：{code}" not in chinese


def test_accepting_signs_for_nobody_and_the_work_waits_for_both_signatures(accepted, market):
    assert accepted.agreement.startup_accepted_at is None and accepted.agreement.provider_accepted_at is None
    with pytest.raises(Conflict) as caught:
        rs.start(actor=market.provider_user, request_id=accepted.id)
    assert caught.value.code == "agreement_unsigned"
    agreements.sign(actor=market.founder, request_id=accepted.id, full_name="  张伟   Zhang  ", consent=True,
                    ip="203.0.113.9")
    with pytest.raises(Conflict):
        rs.start(actor=market.provider_user, request_id=accepted.id)
    signed = agreements.sign(actor=market.provider_user, request_id=accepted.id, full_name="李娜", consent=True,
                             ip="2001:db8::1")
    assert signed.startup_signer_name == "张伟 Zhang" and signed.startup_signer_ip == "203.0.113.9"
    assert signed.provider_signer_name == "李娜" and signed.provider_accepted_by_id == market.provider_user.id
    assert agreements.both_signed(signed)
    assert rs.start(actor=market.provider_user, request_id=accepted.id).state == "in_progress"


@pytest.mark.parametrize("name,consent,field", [("", True, "full_name"), ("   ", True, "full_name"),
                                                ("Zhang", False, "consent"), ("x" * 201, True, "full_name")])
def test_a_signature_needs_a_typed_name_and_consent(accepted, market, name, consent, field):
    with pytest.raises(Invalid) as caught:
        agreements.sign(actor=market.founder, request_id=accepted.id, full_name=name, consent=consent)
    assert field in caught.value.details


def test_each_side_signs_once_and_only_the_parties_sign(accepted, market):
    agreements.sign(actor=market.founder, request_id=accepted.id, full_name="Zhang", consent=True)
    with pytest.raises(Conflict) as caught:
        agreements.sign(actor=market.founder, request_id=accepted.id, full_name="Zhang", consent=True)
    assert caught.value.code == "already_signed"
    with pytest.raises(Exception) as caught:
        agreements.sign(actor=market.outsider, request_id=accepted.id, full_name="Eve", consent=True)
    assert caught.value.status_code == 404


def test_a_cancelled_request_cannot_be_signed(accepted, market):
    rs.cancel(actor=market.founder, request_id=accepted.id)
    with pytest.raises(Conflict):
        agreements.sign(actor=market.provider_user, request_id=accepted.id, full_name="Li", consent=True)


def test_the_pdf_holds_the_chinese_clauses_as_text(accepted, market, app):
    import pypdfium2 as pdfium

    from app.marketplace.agreement_pdf import agreement_pdf

    agreements.sign(actor=market.founder, request_id=accepted.id, full_name="张伟", consent=True, ip="203.0.113.9")
    data = agreement_pdf(rs.get_request(accepted.id, viewer=market.founder).agreement)
    assert data.startswith(b"%PDF") and len(data) < 400_000  # the font is subset
    document = pdfium.PdfDocument(io.BytesIO(data))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    compact = "".join(text.split())
    for clause in ("1.合作双方", "增值税专用发票", "环境就绪", "数据迁移", "A100节点GPUhours:10×¥12.50=¥125.00",
                   "张伟", "203.0.113.9", accepted.agreement.terms_sha256):
        assert clause in compact, clause


def test_api_sign_pdf_and_verify(market, make_request, login, client):
    req = make_request("accepted")
    founder = login(market.founder)
    agreement = founder.get(f"/api/requests/{req.id}/agreement").get_json()
    assert agreement["both_signed"] is True and agreement["startup_signer_ip"] == "203.0.113.7"
    pdf = founder.get(f"/api/requests/{req.id}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/api/requests/{req.id}/agreement.pdf").status_code == 401
    sha = agreement["terms_sha256"]
    found = client.get("/api/agreements/verify", query_string={"sha256": sha.upper()}).get_json()
    assert found["valid"] is True and found["agreement"]["request_id"] == req.id
    assert found["agreement"]["startup_signed_at"] and "terms" not in found["agreement"]
    missing = client.get("/api/agreements/verify", query_string={"sha256": "0" * 64}).get_json()
    assert missing == {"sha256": "0" * 64, "valid": False, "agreement": None}
    bad = client.get("/api/agreements/verify", query_string={"sha256": "xyz"})
    assert bad.status_code == 422 and "sha256" in bad.get_json()["error"]["details"]


def test_api_sign_refuses_without_consent(market, make_request, login):
    req = make_request("submitted")
    provider, founder = login(market.provider_user), login(market.founder)
    quote = provider.post(f"/api/requests/{req.id}/quote", json={"price": 50}).get_json()
    founder.post(f"/api/requests/{req.id}/accept", json={"quote_id": quote["quote_id"]})
    answer = founder.post(f"/api/requests/{req.id}/agreement/sign", json={"full_name": "Zhang", "consent": False})
    assert answer.status_code == 422 and "consent" in answer.get_json()["error"]["details"]
    answer = founder.post(f"/api/requests/{req.id}/agreement/sign", json={"consent": True})
    assert answer.status_code == 422 and "full_name" in answer.get_json()["error"]["details"]
    start = provider.post(f"/api/requests/{req.id}/start")
    assert start.status_code == 409 and start.get_json()["error"]["code"] == "agreement_unsigned"


def test_sign_page_keeps_the_typed_name_on_bad_input_and_verify_page(market, make_request, login, client):
    req = make_request("submitted")
    provider, founder = login(market.provider_user), login(market.founder)
    quote = provider.post(f"/api/requests/{req.id}/quote", json={"price": 50}).get_json()
    founder.post(f"/api/requests/{req.id}/accept", json={"quote_id": quote["quote_id"]})
    answer = founder.client.post(f"/requests/{req.id}/agreement/sign",
                                 data={"full_name": "王芳 Wang Fang", "csrf_token": founder.csrf_token})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'value="王芳 Wang Fang"' in page and "Tick the box" in page
    answer = founder.client.post(f"/requests/{req.id}/agreement/sign", data={
        "full_name": "王芳 Wang Fang", "consent": "y", "csrf_token": founder.csrf_token})
    assert answer.status_code == 302
    page = founder.get(f"/requests/{req.id}/agreement").get_data(as_text=True)
    assert "王芳 Wang Fang" in page and "Sign for" not in page  # the founder's side has signed
    sha = founder.get(f"/api/requests/{req.id}/agreement").get_json()["terms_sha256"]
    page = client.get("/agreements/verify", query_string={"sha256": sha}).get_data(as_text=True)
    assert 'data-verify-result="match"' in page and market.startup.name in page
    page = client.get("/agreements/verify", query_string={"sha256": "f" * 64}).get_data(as_text=True)
    assert 'data-verify-result="none"' in page
    assert client.get("/agreements/verify", query_string={"sha256": "nope"}).status_code == 422
    assert client.get("/agreements/verify").status_code == 200


def test_outsider_cannot_read_the_agreement_or_its_pdf(market, make_request, login):
    req = make_request("accepted")
    outsider = login(market.outsider)
    assert outsider.get(f"/api/requests/{req.id}/agreement").status_code == 404
    assert outsider.get(f"/api/requests/{req.id}/agreement.pdf").status_code == 404
