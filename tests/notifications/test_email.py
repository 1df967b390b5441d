"""Email over real SMTP (aiosmtpd in-process): Chinese headers, text + HTML, attachments, failures, dev log."""
import logging

from app.notifications import email as mail
from app.notifications import services


def test_notification_email_in_chinese_reaches_the_smtp_server(app, db, make_user, notify, smtp_server):
    user = make_user(locale="zh", name="张伟", email="zhang@example.test", timezone="Asia/Shanghai")
    note = notify(user, "org_verified", {"org": "深蓝科技", "org_kind": "startup"}, url="/startups/7", email=True)

    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["zhang@example.test"]
    raw_headers = envelope.content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # UTF-8 headers are RFC 2047 encoded on the wire
    assert b"=?utf-8?" in raw_headers.lower()

    msg = smtp_server.messages[0]
    assert "深蓝科技" in msg["Subject"]
    assert msg["To"].addresses[0].display_name == "张伟"
    assert msg["Content-Language"] == "zh-CN"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "张伟" in text and "深蓝科技" in text
    assert "http://localhost/startups/7" in text
    assert "年" in text and "Asia/Shanghai" in text  # the time in the reader's language and zone
    assert '<html lang="zh-CN">' in html
    assert 'href="http://localhost/startups/7"' in html
    db.session.refresh(note)
    assert note.emailed_at is not None


def test_english_email_reads_in_english(app, db, make_user, notify, smtp_server):
    user = make_user(locale="en", name="Ada")
    notify(user, "invitation_received", {"org": "Deep Blue", "org_kind": "startup", "inviter": "Grace"},
           url="/invitations/abc", email=True)
    msg = smtp_server.messages[0]
    assert msg["Subject"] == "Invitation to join Deep Blue on Fuhua"
    text = msg.get_body(("plain",)).get_content()
    assert text.startswith("Hello Ada,")
    assert "Grace invited you to join the startup Deep Blue." in text
    assert "Open the invitation to accept or decline it." in text
    assert '<html lang="en">' in msg.get_body(("html",)).get_content()


def test_html_email_escapes_data(app, db, make_user, notify, smtp_server):
    notify(make_user(locale="en"), "org_verified", {"org": "<script>x</script>", "org_kind": "startup"}, email=True)
    html = smtp_server.messages[0].get_body(("html",)).get_content()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


def test_send_email_with_attachment(app, db, smtp_server):
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    services.send_email(to="mentor@example.test", subject="预约已确认 Booking confirmed", text="见附件",
                        html="<p>见附件</p>", attachments=[("booking.ics", "text/calendar", ics)])
    msg = smtp_server.messages[0]
    assert msg["Subject"] == "预约已确认 Booking confirmed"
    assert msg.get_body(("plain",)).get_content().strip() == "见附件"
    assert msg.get_body(("html",)).get_content().strip() == "<p>见附件</p>"
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["booking.ics"]
    assert attachments[0].get_content_type() == "text/calendar"
    assert attachments[0].get_payload(decode=True) == ics


def test_without_mail_server_the_email_is_logged(app, db, caplog):
    assert not app.config.get("MAIL_SERVER")
    caplog.set_level(logging.INFO, logger="app.notifications.email")
    services.send_email(to="someone@example.test", subject="你好 Hello", text="第一行\nline two")
    assert "someone@example.test" in caplog.text
    assert "你好 Hello" in caplog.text
    assert "第一行\nline two" in caplog.text  # decoded, readable


def test_unreachable_server_is_logged_not_raised(app, db, dead_smtp, caplog):
    message = mail.build_message(to="x@example.test", subject="s", text="t")
    with caplog.at_level(logging.ERROR, logger="app.notifications.email"):
        assert mail.deliver(message) is False
    assert "could not send email" in caplog.text


def test_starttls_failure_is_logged_not_raised(app, db, smtp_server, caplog):
    """aiosmtpd here offers no STARTTLS, so asking for it fails cleanly."""
    app.config["MAIL_USE_TLS"] = True
    try:
        with caplog.at_level(logging.ERROR, logger="app.notifications.email"):
            assert mail.deliver(mail.build_message(to="x@example.test", subject="s", text="t")) is False
    finally:
        app.config["MAIL_USE_TLS"] = False
    assert smtp_server.envelopes == []


def _csrf(html: str) -> str:
    import re
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_a_chinese_browser_registration_gets_its_first_email_in_chinese(client, db, notify, smtp_server):
    from app.accounts.services import find_user_by_email

    chinese = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    page = client.get("/register", headers=chinese).get_data(as_text=True)
    response = client.post("/register", headers=chinese, data={
        "csrf_token": _csrf(page), "name": "李雷", "email": "lilei@example.test", "password": "a long password 1",
        "confirm": "a long password 1", "role": "founder", "timezone": "Asia/Shanghai"})
    assert response.status_code == 302
    user = find_user_by_email("lilei@example.test")
    assert user.locale == "zh"
    notify(user, "org_verified", {"org": "深蓝科技", "org_kind": "startup"}, email=True)
    msg = smtp_server.messages[0]
    assert msg["Content-Language"] == "zh-CN"
    assert "李雷" in msg.get_body(("plain",)).get_content() and "Hello" not in msg.get_body(("plain",)).get_content()


def test_api_registration_takes_the_browser_language(client, db):
    response = client.post("/api/auth/register", headers={"Accept-Language": "zh-CN"}, json={
        "name": "韩梅梅", "email": "hanmeimei@example.test", "password": "a long password 1", "role": "founder"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["user"]["locale"] == "zh"
