"""The request state machine, exhaustively: every state × action × party, through the table and the API."""
from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.core.errors import InvalidState, PermissionDenied
from app.marketplace import services as rs
from app.marketplace import states
from app.marketplace.models import RequestState

ALL = [(state, action, party) for state in states.STATES for action in states.ACTIONS for party in states.PARTIES]
API_ACTIONS = {"quote": "quote", "counter": "counter", "accept": "accept", "decline": "decline", "cancel": "cancel",
               "start": "start", "deliver": "deliver", "request_changes": "request-changes", "complete": "complete"}
BODIES = {"quote": {"price": "30.00", "note": "n"}, "counter": {"price": "28.00"},
          "request_changes": {"note": "please fix"}}


@pytest.mark.parametrize("state,action,party", ALL)
def test_resolve_follows_the_table(app, state, action, party):
    with app.test_request_context():
        expected = states.TRANSITIONS.get((state, action, party))
        if expected:
            assert states.resolve(state, action, party) == expected
        elif states.allowed_parties(state, action):
            with pytest.raises(PermissionDenied) as caught:
                states.resolve(state, action, party)
            assert caught.value.code == "wrong_party"
        else:
            with pytest.raises(InvalidState) as caught:
                states.resolve(state, action, party)
            assert caught.value.code == "invalid_transition" and caught.value.status_code == 409


def test_final_states_have_no_way_out():
    for (state, _action, _party) in states.TRANSITIONS:
        assert state not in states.FINAL_STATES


def test_every_state_is_reachable():
    reached = {RequestState.SUBMITTED} | set(states.TRANSITIONS.values())
    assert reached == set(states.STATES)


@pytest.mark.parametrize("state", [s.value for s in states.STATES])
@pytest.mark.parametrize("action", list(API_ACTIONS))
@pytest.mark.parametrize("party", ["startup", "provider"])
def test_every_move_through_the_api(make_request, market, login, state, action, party):
    req = make_request(state)
    user = market.founder if party == "startup" else market.provider_user
    api = login(user)
    body = BODIES.get(action, {})
    if action == "accept":  # the quote the startup saw (any id where there is none: the state refuses first)
        body = {"quote_id": rs.current_quote_id(req.id) or 1}
    response = api.post(f"/api/requests/{req.id}/{API_ACTIONS[action]}", json=body)
    body = response.get_json()
    expected = states.TRANSITIONS.get((state, action, party))
    if expected:
        assert response.status_code == 200, body
        assert body["state"] == expected
        moves = [e["action"] for e in api.get(f"/api/requests/{req.id}").get_json()["events"]
                 if e["action"] in states.ACTIONS]  # money events (payments due, voucher hold...) follow a move
        assert moves[-1] == action
    elif states.allowed_parties(state, action):
        assert response.status_code == 403, body
        assert body["error"]["code"] == "wrong_party"
    else:
        assert response.status_code == 409, body
        assert body["error"]["code"] == "invalid_transition"
        assert body["error"]["message"]


@pytest.mark.parametrize("state", ["submitted", "quoted", "accepted", "delivered"])
def test_outsiders_cannot_see_or_move(make_request, market, login, state):
    req = make_request(state)
    api = login(market.outsider)
    assert api.get(f"/api/requests/{req.id}").status_code == 404
    assert api.post(f"/api/requests/{req.id}/cancel", json={}).status_code == 404


@pytest.mark.usefixtures("request_ctx")
class TestSystemMoves:
    def test_delivery_is_accepted_after_14_days(self, make_request):
        req = make_request("delivered")
        assert rs.auto_accept_deliveries(now=utcnow() + timedelta(days=13)) == 0
        assert rs.auto_accept_deliveries(now=utcnow() + timedelta(days=14, minutes=1)) == 1
        from app.extensions import db
        db.session.expire_all()
        assert req.state == "completed"
        assert req.settlement is not None and req.events[-1].data == {"auto": True}

    @pytest.mark.parametrize("state", ["submitted", "quoted", "countered"])
    def test_unanswered_negotiations_expire(self, make_request, state):
        req = make_request(state)
        assert rs.expire_stale(now=utcnow() + timedelta(days=29)) == 0
        assert rs.expire_stale(now=utcnow() + timedelta(days=31)) == 1
        from app.extensions import db
        db.session.expire_all()
        assert req.state == "expired"

    def test_active_requests_do_not_expire(self, make_request):
        make_request("accepted")
        assert rs.expire_stale(now=utcnow() + timedelta(days=60)) == 0


def test_auto_accept_command(app, make_request, db):
    req = make_request("delivered")
    req.delivered_at = utcnow() - timedelta(days=15)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["marketplace", "auto-accept"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    db.session.expire_all()
    assert req.state == "completed"
