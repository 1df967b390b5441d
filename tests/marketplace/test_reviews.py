"""Reviews both ways: the startup rates the provider, the provider rates the startup; both blind until both have
rated or 14 days have passed; one public reply each; duplicates are 409."""
from datetime import timedelta
from decimal import Decimal

import pytest

from app.core.db import utcnow
from app.core.errors import Conflict, PermissionDenied
from app.extensions import db
from app.marketplace import reviews
from app.marketplace import services as rs
from app.marketplace.models import Review


@pytest.fixture
def done(request_ctx, make_request):
    return make_request("completed")


def _listing(market):
    db.session.expire_all()
    return db.session.get(type(market.listing), market.listing.id)


def test_both_reviews_stay_hidden_until_both_have_rated(done, market):
    first = reviews.review(actor=market.founder, request_id=done.id, rating=4, comment="准时，沟通顺畅")
    req = rs.get_request(done.id, viewer=market.founder)
    assert [r.id for r in reviews.visible_reviews(req, market.founder)] == [first.id]  # the author sees it
    assert reviews.visible_reviews(req, market.provider_user) == []  # the provider does not, yet
    assert reviews.reviews_of_listing(market.listing.id) == [] and _listing(market).rating_count == 0
    assert reviews.provider_rating(market.provider.id) == (None, 0)
    second = reviews.review(actor=market.provider_user, request_id=done.id, rating=5, comment="Clear specs")
    req = rs.get_request(done.id, viewer=market.founder)
    assert {r.id for r in reviews.visible_reviews(req, market.provider_user)} == {first.id, second.id}
    assert {r.side for r in req.reviews} == {"startup", "provider"}
    assert _listing(market).rating_count == 1 and _listing(market).rating_avg == Decimal("4.00")
    assert reviews.startup_rating(market.startup.id) == (Decimal("5.0"), 1)
    assert [r.id for r in reviews.reviews_of_listing(market.listing.id)] == [first.id]


def test_a_lone_review_is_revealed_14_days_after_completion(done, market):
    item = reviews.review(actor=market.founder, request_id=done.id, rating=3)
    assert item.revealed_at == done.completed_at + timedelta(days=14)
    assert reviews.reveal_due() == 0
    db.session.get(Review, item.id).revealed_at = utcnow() - timedelta(seconds=1)  # as if 14 days had passed
    db.session.commit()
    req = rs.get_request(done.id, viewer=market.provider_user)
    assert [r.id for r in reviews.visible_reviews(req, market.provider_user)] == [item.id]
    assert reviews.reveal_due() == 1 and _listing(market).rating_count == 1
    assert reviews.reveal_due() == 0  # counted once


def test_a_late_first_review_is_shown_at_once(done, market):
    db.session.get(type(done), done.id).completed_at = utcnow() - timedelta(days=20)
    db.session.commit()
    item = reviews.review(actor=market.provider_user, request_id=done.id, rating=2, comment="Late inputs")
    assert reviews.is_revealed(item)
    assert reviews.startup_rating(market.startup.id) == (Decimal("2.0"), 1)


def test_each_side_reviews_once_and_only_when_completed(request_ctx, make_request, market):
    req = make_request("delivered")
    with pytest.raises(Conflict):
        reviews.review(actor=market.provider_user, request_id=req.id, rating=5)
    rs.complete(actor=market.founder, request_id=req.id)
    reviews.review(actor=market.provider_user, request_id=req.id, rating=5)
    with pytest.raises(Conflict) as caught:
        reviews.review(actor=market.provider_user, request_id=req.id, rating=4)
    assert caught.value.code == "already_reviewed"
    with pytest.raises(PermissionDenied):
        reviews.review(actor=market.founder, request_id=req.id, rating=4, side="provider")


def test_the_reviewed_side_replies_once_after_the_reveal(done, market):
    item = reviews.review(actor=market.founder, request_id=done.id, rating=4, comment="Good")
    with pytest.raises(Conflict) as caught:
        reviews.reply(actor=market.provider_user, review_id=item.id, body="谢谢！")
    assert caught.value.code == "review_hidden"
    reviews.review(actor=market.provider_user, request_id=done.id, rating=5)
    with pytest.raises(PermissionDenied):
        reviews.reply(actor=market.founder, review_id=item.id, body="my own review")
    answered = reviews.reply(actor=market.provider_user, review_id=item.id, body="谢谢！期待再合作。")
    assert answered.reply == "谢谢！期待再合作。" and answered.reply_author_id == market.provider_user.id
    with pytest.raises(Conflict) as caught:
        reviews.reply(actor=market.provider_user, review_id=item.id, body="again")
    assert caught.value.code == "already_replied"


def test_api_reviews_both_ways_with_replies(market, make_request, login):
    req = make_request("completed")
    founder, provider = login(market.founder), login(market.provider_user)
    mine = founder.post(f"/api/requests/{req.id}/review", json={"rating": 5, "comment": "交付很快"})
    assert mine.status_code == 201 and mine.get_json()["side"] == "startup"
    assert founder.post(f"/api/requests/{req.id}/review", json={"rating": 1}).status_code == 409
    seen = provider.get(f"/api/requests/{req.id}").get_json()
    assert seen["reviews"] == [] and seen["review"] is None
    theirs = provider.post(f"/api/requests/{req.id}/review", json={"rating": 4, "comment": "需求清晰"})
    assert theirs.status_code == 201 and theirs.get_json()["side"] == "provider"
    seen = founder.get(f"/api/requests/{req.id}").get_json()
    assert {r["side"] for r in seen["reviews"]} == {"startup", "provider"} and seen["review"]["rating"] == 5
    reply = provider.post(f"/api/reviews/{mine.get_json()['id']}/reply", json={"body": "感谢认可"})
    assert reply.status_code == 200 and reply.get_json()["reply"] == "感谢认可"
    again = provider.post(f"/api/reviews/{mine.get_json()['id']}/reply", json={"body": "again"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_replied"
    assert founder.post(f"/api/reviews/{theirs.get_json()['id']}/reply", json={"body": ""}).status_code == 422
    assert login(market.outsider).post(f"/api/reviews/{mine.get_json()['id']}/reply",
                                       json={"body": "x"}).status_code == 404


def test_request_page_shows_each_side_its_form_the_wait_and_the_reply(market, make_request, login):
    req = make_request("completed")
    founder, provider = login(market.founder), login(market.provider_user)
    assert "Rate the provider" in founder.get(f"/requests/{req.id}").get_data(as_text=True)
    founder.client.post(f"/requests/{req.id}/review", data={"rating": "4", "comment": "不错",
                                                            "side": "startup", "csrf_token": founder.csrf_token})
    page = provider.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Rate the startup" in page and "data-review-waiting" in page and "不错" not in page
    provider.client.post(f"/requests/{req.id}/review", data={"rating": "5", "comment": "配合好",
                                                             "side": "provider", "csrf_token": provider.csrf_token})
    page = provider.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "不错" in page and "配合好" in page and "Publish reply" in page and "Rate the startup" not in page
