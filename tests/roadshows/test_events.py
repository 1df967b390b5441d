"""Socket.IO contract of SPEC §8: every event, its ack, its broadcast and its refusals."""
import pytest

from app.roadshows.live import queries
from app.roadshows.live.state import current as live_state
from app.roadshows.live.state import of as live_of
from app.roadshows.models import ChatMessage
from tests.roadshows.conftest import received


@pytest.fixture
def setup(db, admin, make_user, login, socket_client, make_roadshow, make_pitch):
    """A public roadshow with two pitches (a 3-page deck on the first), a moderator and a viewer in the room."""
    mod = make_user("mentor", name="Mo Derator")
    roadshow = make_roadshow(moderator_ids=[mod.id])
    first = make_pitch(roadshow, title="Qubits", deck_pages=3)
    second = make_pitch(roadshow, title="Robots")
    viewer = make_user("investor", name="Vi Ewer")

    def connect(user=None, join=True, after_id=None):
        sc = socket_client(login(user)) if user else socket_client()
        if join:
            ack = sc.emit("roadshow:join", {"roadshow_id": roadshow.id, "after_id": after_id}, callback=True)
            assert ack["ok"], ack
            sc.get_received()
        return sc

    from types import SimpleNamespace
    return SimpleNamespace(roadshow=roadshow, first=first, second=second, mod=mod, viewer=viewer, admin=admin,
                           connect=connect)


def chat(sc, roadshow_id, body="hello", client_id="c1"):
    return sc.emit("chat:send", {"roadshow_id": roadshow_id, "body": body, "client_id": client_id}, callback=True)


# join / leave ----------------------------------------------------------------------------------

def test_join_ack_has_the_state_and_messages(setup):
    sc = setup.connect(setup.viewer, join=False)
    ack = sc.emit("roadshow:join", {"roadshow_id": setup.roadshow.id, "after_id": None}, callback=True)
    assert ack["ok"] is True
    assert set(ack["state"]) >= {"stage", "slide", "presence", "polls", "questions"}
    assert ack["messages"] == []
    assert ack["state"]["presence"]["count"] == 1
    assert ack["state"]["me"]["can_post"] is True and ack["state"]["me"]["moderator"] is False
    assert "users" not in ack["state"]["presence"]


def test_join_with_after_id_returns_exactly_what_was_missed(setup):
    sender = setup.connect(setup.viewer)
    ids = [chat(sender, setup.roadshow.id, f"m{i}", f"c{i}")["message"]["id"] for i in range(4)]
    late = setup.connect(setup.mod, join=False)
    ack = late.emit("roadshow:join", {"roadshow_id": setup.roadshow.id, "after_id": ids[1]}, callback=True)
    assert [m["id"] for m in ack["messages"]] == ids[2:]
    assert [m["body"] for m in ack["messages"]] == ["m2", "m3"]


def test_anonymous_may_watch_a_public_room(setup):
    sc = setup.connect(None)
    assert sc.is_connected()


def test_anonymous_cannot_post(setup):
    sc = setup.connect(None)
    ack = chat(sc, setup.roadshow.id)
    assert ack["ok"] is False and ack["error"]["code"] == "sign_in_required"
    ack = sc.emit("qa:ask", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.first.id, "body": "?"}, callback=True)
    assert ack["ok"] is False
    ack = sc.emit("reaction:send", {"roadshow_id": setup.roadshow.id, "kind": "clap"}, callback=True)
    assert ack["ok"] is False


def test_invite_only_needs_an_approved_registration(db, admin, make_roadshow, make_user, login, socket_client):
    from app.roadshows import admission, services
    roadshow = make_roadshow(visibility="invite_only")
    user = make_user("investor")
    anon = socket_client()
    ack = anon.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)
    assert ack == {"ok": False, "error": {"code": "registration_required", "message": ack["error"]["message"],
                                          "details": {}}}
    sc = socket_client(login(user))
    assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["error"]["code"] == \
        "registration_required"
    services.register(user=user, roadshow_id=roadshow.id)  # a request, not yet an answer
    assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["error"]["code"] == \
        "registration_required"
    admission.decide_registration(actor=admin, roadshow_id=roadshow.id, user_id=user.id, approve=True)
    assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["ok"] is True


def test_join_unknown_roadshow(setup):
    sc = setup.connect(setup.viewer, join=False)
    ack = sc.emit("roadshow:join", {"roadshow_id": 999999}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "roadshow_not_found"


@pytest.mark.parametrize("payload", ["nope", {"roadshow_id": "1"}, {"roadshow_id": -1}, {"roadshow_id": True},
                                     {"roadshow_id": 1, "after_id": "x"}])
def test_join_bad_payload(setup, payload):
    sc = setup.connect(setup.viewer, join=False)
    ack = sc.emit("roadshow:join", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"


def test_leave_updates_presence(setup):
    sc = setup.connect(setup.viewer)
    assert queries.presence(setup.roadshow.id, with_users=False)["count"] == 1
    assert sc.emit("roadshow:leave", {"roadshow_id": setup.roadshow.id}, callback=True) == {"ok": True}
    assert queries.presence(setup.roadshow.id, with_users=False)["count"] == 0


def test_disconnect_leaves_the_room(setup):
    sc = setup.connect(setup.viewer)
    sc.disconnect()
    assert queries.presence(setup.roadshow.id, with_users=False)["count"] == 0


def test_presence_update_is_batched_and_moderators_get_the_list(setup):
    mod = setup.connect(setup.mod)
    viewer = setup.connect(setup.viewer)
    live_state().flush()
    to_viewer = received(viewer, "presence:update")
    to_mod = received(mod, "presence:update")
    assert to_viewer[-1]["count"] == 2 and "users" not in to_viewer[-1]
    assert {u["name"] for u in [p for p in to_mod if "users" in p][-1]["users"]} == {"Mo Derator", "Vi Ewer"}


# chat ------------------------------------------------------------------------------------------

def test_chat_send_is_stored_then_broadcast(setup):
    sender, other = setup.connect(setup.viewer), setup.connect(setup.mod)
    ack = chat(sender, setup.roadshow.id, "  Hello <b>all</b>  ")
    assert ack["ok"] is True
    message = ack["message"]
    assert message["body"] == "Hello <b>all</b>"  # plain text, shown escaped; trimmed
    assert setup.viewer.id == message["user"]["id"]
    got = received(other, "chat:new")
    assert got == [message]
    assert set(message) == {"id", "roadshow_id", "user", "body", "created_at", "client_id"}


def test_chat_resend_with_same_client_id_is_idempotent(setup, db):
    sender, other = setup.connect(setup.viewer), setup.connect(setup.mod)
    first = chat(sender, setup.roadshow.id, "once", "same-id")
    second = chat(sender, setup.roadshow.id, "once", "same-id")
    assert first["message"] == second["message"]
    assert len(received(other, "chat:new")) == 1
    from sqlalchemy import func, select
    assert db.session.scalar(select(func.count(ChatMessage.id))) == 1


def test_chat_needs_to_join_first(setup):
    sc = setup.connect(setup.viewer, join=False)
    assert chat(sc, setup.roadshow.id)["error"]["code"] == "not_joined"


def test_chat_is_length_limited(setup):
    sc = setup.connect(setup.viewer)
    ack = chat(sc, setup.roadshow.id, "x" * 1001)
    assert ack["ok"] is False and ack["error"]["code"] == "too_long"


def test_chat_strips_control_characters_and_refuses_blank(setup):
    sc = setup.connect(setup.viewer)
    assert chat(sc, setup.roadshow.id, "a\u202eb\u0007c", "x1")["message"]["body"] == "abc"
    assert chat(sc, setup.roadshow.id, "a\u0000c", "x3")["error"]["code"] == "validation_error"  # NUL: refused
    assert chat(sc, setup.roadshow.id, " \u200b ", "x2")["ok"] is False


def test_chat_needs_a_client_id(setup):
    sc = setup.connect(setup.viewer)
    ack = sc.emit("chat:send", {"roadshow_id": setup.roadshow.id, "body": "hi"}, callback=True)
    assert ack["ok"] is False and "client_id" in ack["error"]["details"]


def test_chat_is_rate_limited_per_user(setup):
    sc = setup.connect(setup.viewer)
    acks = [chat(sc, setup.roadshow.id, f"m{i}", f"r{i}") for i in range(11)]
    assert all(a["ok"] for a in acks[:10])
    assert acks[10]["ok"] is False and acks[10]["error"]["code"] == "rate_limited"
    assert [m.body for m in queries.messages_after(setup.roadshow.id, None)] == [f"m{i}" for i in range(10)]


def test_moderator_deletes_a_message(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    message_id = chat(viewer, setup.roadshow.id)["message"]["id"]
    assert mod.emit("chat:delete", {"message_id": message_id}, callback=True) == {"ok": True}
    assert received(viewer, "chat:deleted") == [{"id": message_id, "roadshow_id": setup.roadshow.id}]
    assert queries.messages_after(setup.roadshow.id, 0) == []


def test_viewer_cannot_delete(setup):
    viewer = setup.connect(setup.viewer)
    message_id = chat(viewer, setup.roadshow.id)["message"]["id"]
    ack = viewer.emit("chat:delete", {"message_id": message_id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "moderator_only"


def test_muted_user_is_refused(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    ack = mod.emit("user:mute", {"roadshow_id": setup.roadshow.id, "user_id": setup.viewer.id}, callback=True)
    assert ack == {"ok": True, "muted": True}
    assert received(viewer, "user:muted")[0]["muted"] is True
    refused = chat(viewer, setup.roadshow.id)
    assert refused["ok"] is False and refused["error"]["code"] == "muted"
    mod.emit("user:mute", {"roadshow_id": setup.roadshow.id, "user_id": setup.viewer.id, "muted": False},
             callback=True)
    assert chat(viewer, setup.roadshow.id, client_id="after")["ok"] is True


def test_unmute_is_seen_live_by_the_person_and_the_moderators_who_rejoin_with_the_muted_list(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    rid, vid = setup.roadshow.id, setup.viewer.id
    mod.emit("user:mute", {"roadshow_id": rid, "user_id": vid}, callback=True)
    assert received(mod, "user:muted") == [{"roadshow_id": rid, "user_id": vid, "muted": True}]
    assert received(viewer, "user:muted") == [{"roadshow_id": rid, "muted": True}]  # who else is muted: not sent

    # A moderator joining later learns whom to offer Unmute; a viewer's state never lists the muted.
    late_mod = setup.connect(setup.mod, join=False)
    state = late_mod.emit("roadshow:join", {"roadshow_id": rid, "after_id": None}, callback=True)["state"]
    assert state["muted_users"] == [vid]
    other = setup.connect(setup.admin, join=False)  # an admin moderates too
    assert other.emit("roadshow:join", {"roadshow_id": rid, "after_id": None}, callback=True)["state"][
        "muted_users"] == [vid]
    rejoin = setup.connect(setup.viewer, join=False)
    state = rejoin.emit("roadshow:join", {"roadshow_id": rid, "after_id": None}, callback=True)["state"]
    assert "muted_users" not in state and state["me"]["muted"] is True and state["me"]["can_post"] is False

    ack = mod.emit("user:mute", {"roadshow_id": rid, "user_id": vid, "muted": False}, callback=True)
    assert ack == {"ok": True, "muted": False}
    assert received(viewer, "user:muted") == [{"roadshow_id": rid, "muted": False}]
    assert received(mod, "user:muted") == [{"roadshow_id": rid, "user_id": vid, "muted": False}]
    state = late_mod.emit("roadshow:join", {"roadshow_id": rid, "after_id": None}, callback=True)["state"]
    assert state["muted_users"] == []
    state = rejoin.emit("roadshow:join", {"roadshow_id": rid, "after_id": None}, callback=True)["state"]
    assert state["me"]["muted"] is False and state["me"]["can_post"] is True
    assert chat(viewer, rid, "back again", "back")["ok"] is True
    # Unmuting someone who is not muted is harmless.
    assert mod.emit("user:mute", {"roadshow_id": rid, "user_id": vid, "muted": False}, callback=True)["ok"] is True


def test_viewer_cannot_mute(setup):
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("user:mute", {"roadshow_id": setup.roadshow.id, "user_id": setup.mod.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "moderator_only"


# Q&A -------------------------------------------------------------------------------------------

def ask(sc, s, body="How big is the market?", pitch=None):
    return sc.emit("qa:ask", {"roadshow_id": s.roadshow.id, "pitch_id": (pitch or s.first).id, "body": body},
                   callback=True)


def test_ask_broadcasts_qa_new_with_counts(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    ack = ask(viewer, setup)
    assert ack["ok"] is True and ack["question"]["status"] == "approved" and ack["question"]["votes"] == 0
    new = received(mod, "qa:new")
    assert new[0]["id"] == ack["question"]["id"] and new[0]["counts"] == {"asked": 1, "answered": 0}


def test_a_question_is_about_the_pitch_on_stage_unless_another_is_chosen(setup, make_roadshow, make_pitch):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    rid = setup.roadshow.id
    nothing_on_stage = viewer.emit("qa:ask", {"roadshow_id": rid, "body": "Who is on?"}, callback=True)
    assert nothing_on_stage["ok"] is False and nothing_on_stage["error"]["code"] == "no_pitch"
    assert mod.emit("stage:set", {"roadshow_id": rid, "pitch_id": setup.second.id, "state": "live"},
                    callback=True)["ok"]
    on_stage = viewer.emit("qa:ask", {"roadshow_id": rid, "body": "机器人多少钱？"}, callback=True)
    assert on_stage["ok"] and on_stage["question"]["pitch_id"] == setup.second.id
    chosen = viewer.emit("qa:ask", {"roadshow_id": rid, "pitch_id": setup.first.id, "body": "量子比特寿命？"},
                         callback=True)
    assert chosen["ok"] and chosen["question"]["pitch_id"] == setup.first.id
    assert [(q["pitch_id"], q["body"]) for q in received(mod, "qa:new")] == [
        (setup.second.id, "机器人多少钱？"), (setup.first.id, "量子比特寿命？")]
    elsewhere = make_pitch(make_roadshow(), title="Elsewhere")  # a pitch of another roadshow
    refused = viewer.emit("qa:ask", {"roadshow_id": rid, "pitch_id": elsewhere.id, "body": "?"}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "pitch_not_found"
    # Every question in the join state says which pitch it is about.
    state = setup.connect(setup.viewer, join=False).emit("roadshow:join", {"roadshow_id": rid},
                                                         callback=True)["state"]
    assert sorted((q["body"], q["pitch_id"]) for q in state["questions"]) == [
        ("机器人多少钱？", setup.second.id), ("量子比特寿命？", setup.first.id)]
    assert {p["id"] for p in state["agenda"]} == {setup.first.id, setup.second.id}


def test_premoderated_question_goes_to_moderators_only(setup, db, make_user):
    setup.roadshow.premoderate_questions = True
    db.session.commit()
    viewer, other, mod = setup.connect(setup.viewer), setup.connect(make_user("investor")), setup.connect(setup.mod)
    question = ask(viewer, setup)["question"]
    assert question["status"] == "pending"
    assert received(mod, "qa:new")[0]["id"] == question["id"]
    assert received(other, "qa:new") == []
    assert mod.emit("qa:moderate", {"question_id": question["id"], "status": "approved"}, callback=True)["ok"]
    assert received(other, "qa:new")[0]["status"] == "approved"


def test_upvote_once(setup):
    asker, voter = setup.connect(setup.viewer), setup.connect(setup.mod)
    qid = ask(asker, setup)["question"]["id"]
    first = voter.emit("qa:upvote", {"question_id": qid}, callback=True)
    second = voter.emit("qa:upvote", {"question_id": qid}, callback=True)
    assert first["ok"] and first["question"]["votes"] == 1 and first["question"]["voted"] is True
    assert second["ok"] and second["question"]["votes"] == 1
    live_state().flush()
    assert received(asker, "qa:update")[-1]["votes"] == 1


def test_questions_sorted_by_votes_in_join_state(setup, make_user, login, socket_client):
    asker = setup.connect(setup.viewer)
    q1 = ask(asker, setup, "first")["question"]["id"]
    q2 = ask(asker, setup, "second")["question"]["id"]
    setup.connect(setup.mod).emit("qa:upvote", {"question_id": q2}, callback=True)
    late = setup.connect(setup.admin, join=False)
    ack = late.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)
    assert [q["id"] for q in ack["state"]["questions"]] == [q2, q1]


def test_moderate_marks_answered_and_counts(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    qid = ask(viewer, setup)["question"]["id"]
    ack = mod.emit("qa:moderate", {"question_id": qid, "status": "answered"}, callback=True)
    assert ack["ok"] and ack["question"]["status"] == "answered"
    update = received(viewer, "qa:update")[-1]
    assert update["counts"] == {"asked": 1, "answered": 1}


def test_viewer_cannot_moderate(setup):
    viewer = setup.connect(setup.viewer)
    qid = ask(viewer, setup)["question"]["id"]
    ack = viewer.emit("qa:moderate", {"question_id": qid, "status": "dismissed"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "moderator_only"


def test_moderate_with_a_bad_status(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    qid = ask(viewer, setup)["question"]["id"]
    assert mod.emit("qa:moderate", {"question_id": qid, "status": "nope"}, callback=True)["ok"] is False


# polls -----------------------------------------------------------------------------------------

def open_poll(mod, s):
    return mod.emit("poll:open", {"roadshow_id": s.roadshow.id, "question": "Would you invest?",
                                  "options": ["Yes", "No"]}, callback=True)


def test_poll_open_vote_once_and_close(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    ack = open_poll(mod, setup)
    assert ack["ok"] is True
    poll = received(viewer, "poll:update")[0]
    assert poll["status"] == "open" and [o["label"] for o in poll["options"]] == ["Yes", "No"]
    yes = poll["options"][0]["id"]
    assert viewer.emit("poll:vote", {"poll_id": poll["id"], "option_id": yes}, callback=True) == {"ok": True}
    again = viewer.emit("poll:vote", {"poll_id": poll["id"], "option_id": yes}, callback=True)
    assert again["ok"] is False and again["error"]["code"] == "already_voted"
    live_state().flush()
    assert received(viewer, "poll:update")[-1]["options"][0]["votes"] == 1
    assert mod.emit("poll:close", {"poll_id": poll["id"]}, callback=True)["ok"] is True
    closed = received(viewer, "poll:update")[-1]
    assert closed["status"] == "closed" and closed["total"] == 1
    late = mod.emit("poll:vote", {"poll_id": poll["id"], "option_id": yes}, callback=True)
    assert late["ok"] is False and late["error"]["code"] == "poll_closed"


def test_poll_vote_for_an_option_of_another_poll(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    a = open_poll(mod, setup)["poll"]
    b = open_poll(mod, setup)["poll"]
    ack = viewer.emit("poll:vote", {"poll_id": a["id"], "option_id": b["options"][0]["id"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"


def test_viewer_cannot_open_or_close_polls(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    assert open_poll(viewer, setup)["error"]["code"] == "moderator_only"
    poll = open_poll(mod, setup)["poll"]
    assert viewer.emit("poll:close", {"poll_id": poll["id"]}, callback=True)["error"]["code"] == "moderator_only"


def test_poll_needs_two_options(setup):
    mod = setup.connect(setup.mod)
    ack = mod.emit("poll:open", {"roadshow_id": setup.roadshow.id, "question": "?", "options": ["only"]},
                   callback=True)
    assert ack["ok"] is False and "options" in ack["error"]["details"]


# reactions -------------------------------------------------------------------------------------

def test_reactions_are_aggregated_into_bursts(setup):
    viewer, other = setup.connect(setup.viewer), setup.connect(setup.mod)
    for _ in range(3):
        assert viewer.emit("reaction:send", {"roadshow_id": setup.roadshow.id, "kind": "clap"}, callback=True) == \
            {"ok": True}
    other.emit("reaction:send", {"roadshow_id": setup.roadshow.id, "kind": "fire"}, callback=True)
    assert received(other, "reaction:burst") == []  # nothing per click
    live_state().flush()
    bursts = received(other, "reaction:burst")
    assert bursts == [{"roadshow_id": setup.roadshow.id, "counts": {"clap": 3, "fire": 1}}]


def test_reactions_after_the_first_skip_the_full_handler(setup, monkeypatch):
    from app.roadshows.live import events
    full = []
    original = events.on_reaction
    monkeypatch.setattr(events, "on_reaction", lambda data: full.append(data) or original(data))
    viewer, other = setup.connect(setup.viewer), setup.connect(setup.mod)
    react = {"roadshow_id": setup.roadshow.id, "kind": "rocket"}
    assert [viewer.emit("reaction:send", react, callback=True) for _ in range(4)] == [{"ok": True}] * 4
    assert len(full) == 0  # joining checked the right to post; every reaction was answered from the cache
    live_state().expire_allowances()
    live_state().forget_vetted()  # e.g. a process that has not seen this viewer post: the first asks the database
    assert viewer.emit("reaction:send", react, callback=True) == {"ok": True} and len(full) == 1
    assert viewer.emit("reaction:send", react, callback=True) == {"ok": True} and len(full) == 1
    ack = viewer.emit("reaction:send", {"roadshow_id": setup.roadshow.id + 1, "kind": "rocket"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_joined" and len(full) == 2
    live_state().flush()
    assert received(other, "reaction:burst") == [{"roadshow_id": setup.roadshow.id, "counts": {"rocket": 6}}]


def test_a_mute_from_another_process_stops_reactions_when_the_allowance_runs_out(setup, monkeypatch):
    from app.extensions import db
    from app.roadshows.live import events
    from app.roadshows.models import Mute
    full = []
    original = events.on_reaction
    monkeypatch.setattr(events, "on_reaction", lambda data: full.append(data) or original(data))
    viewer = setup.connect(setup.viewer)
    react = {"roadshow_id": setup.roadshow.id, "kind": "wow"}
    assert viewer.emit("reaction:send", react, callback=True)["ok"] is True and len(full) == 0  # vetted at join
    live_state().expire_allowances()  # the allowance ran out: renewed by the light check, not the full handler
    assert viewer.emit("reaction:send", react, callback=True)["ok"] is True and len(full) == 0
    db.session.add(Mute(roadshow_id=setup.roadshow.id, user_id=setup.viewer.id))  # muted elsewhere:
    db.session.commit()                                                            # no local forget
    assert viewer.emit("reaction:send", react, callback=True)["ok"] is True  # still allowed for a moment
    live_state().expire_allowances()
    live_state().forget_room_snapshots()  # and the room's snapshot (a second old at most) is read again
    ack = viewer.emit("reaction:send", react, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "muted" and len(full) == 1


def test_a_viewer_muted_when_joining_is_not_vetted(setup):
    from app.extensions import db
    from app.roadshows.models import Mute
    db.session.add(Mute(roadshow_id=setup.roadshow.id, user_id=setup.viewer.id))
    db.session.commit()
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("reaction:send", {"roadshow_id": setup.roadshow.id, "kind": "wow"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "muted"


def test_reactions_are_rate_limited_per_user(setup, app, monkeypatch):
    monkeypatch.setitem(app.config, "ROADSHOW_REACTION_RATE", "3/minute")
    viewer = setup.connect(setup.viewer)
    react = {"roadshow_id": setup.roadshow.id, "kind": "clap"}
    acks = [viewer.emit("reaction:send", react, callback=True) for _ in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[-1]["error"]["code"] == "rate_limited"


def test_unknown_reaction_kind(setup):
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("reaction:send", {"roadshow_id": setup.roadshow.id, "kind": "poop"}, callback=True)
    assert ack["ok"] is False and "kind" in ack["error"]["details"]


# stage and slides ------------------------------------------------------------------------------

def test_stage_set_sends_the_server_deadline(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    ack = mod.emit("stage:set", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.first.id, "state": "live"},
                   callback=True)
    assert ack["ok"] is True
    update = received(viewer, "stage:update")[-1]
    assert update["status"] == "live" and update["state"] == "live"
    assert update["pitch"]["id"] == setup.first.id and update["deadline"] and update["server_time"]
    from datetime import datetime
    left = datetime.fromisoformat(update["deadline"]) - datetime.fromisoformat(update["server_time"])
    assert 590 <= left.total_seconds() <= 600


def test_stage_moves_on_and_ends(setup):
    mod = setup.connect(setup.mod)
    rid = setup.roadshow.id
    mod.emit("stage:set", {"roadshow_id": rid, "pitch_id": setup.first.id, "state": "live"}, callback=True)
    mod.emit("stage:set", {"roadshow_id": rid, "pitch_id": setup.first.id, "state": "qa", "minutes": 3},
             callback=True)
    ack = mod.emit("stage:set", {"roadshow_id": rid, "pitch_id": setup.second.id, "state": "live"}, callback=True)
    assert ack["stage"]["pitch"]["id"] == setup.second.id
    assert setup.first.state == "done"
    end = mod.emit("stage:set", {"roadshow_id": rid, "state": "ended"}, callback=True)
    assert end["ok"] and end["stage"]["status"] == "ended"
    viewer = setup.connect(setup.viewer)
    assert chat(viewer, rid)["error"]["code"] == "roadshow_closed"


def test_viewer_cannot_set_the_stage(setup):
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("stage:set", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.first.id, "state": "live"},
                      callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "moderator_only"


def test_slide_set_by_presenter_and_late_joiner_lands_on_it(setup):
    mod = setup.connect(setup.mod)
    mod.emit("stage:set", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.first.id, "state": "live"},
             callback=True)
    presenter = setup.connect(setup.first.presenter)
    viewer = setup.connect(setup.viewer)
    ack = presenter.emit("slide:set", {"roadshow_id": setup.roadshow.id, "slide": 2}, callback=True)
    assert ack == {"ok": True, "slide": 2}
    update = received(viewer, "slide:update")[-1]
    assert update["slide"] == 2 and update["pages"] == 3 and update["image_url"].endswith("{n}.png?v=1")
    late = setup.connect(setup.admin, join=False)
    state = late.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)["state"]
    assert state["slide"]["slide"] == 2


def test_slide_out_of_range_and_by_a_viewer(setup):
    mod = setup.connect(setup.mod)
    mod.emit("stage:set", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.first.id, "state": "live"},
             callback=True)
    assert mod.emit("slide:set", {"roadshow_id": setup.roadshow.id, "slide": 4}, callback=True)["ok"] is False
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("slide:set", {"roadshow_id": setup.roadshow.id, "slide": 2}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "presenter_only"


def test_slide_without_a_deck(setup):
    mod = setup.connect(setup.mod)
    mod.emit("stage:set", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.second.id, "state": "live"},
             callback=True)
    ack = mod.emit("slide:set", {"roadshow_id": setup.roadshow.id, "slide": 1}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "no_deck"


# hand raise, interest, cues ----------------------------------------------------------------------

def test_hand_raise_shows_in_the_moderators_list(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    assert viewer.emit("hand:raise", {"roadshow_id": setup.roadshow.id}, callback=True) == {"ok": True, "raised": True}
    live_state().flush()
    users = [p for p in received(mod, "presence:update") if "users" in p][-1]["users"]
    assert {u["name"]: u["hand_raised"] for u in users} == {"Mo Derator": False, "Vi Ewer": True}


@pytest.mark.parametrize("batched", [False, True], ids=["written-at-once", "batched"])
def test_a_reconnect_keeps_the_raised_hand_and_a_lowered_one_stays_down(setup, app, monkeypatch, batched):
    if batched:  # visits wait for the flush, as when served (the loop itself does not run: the test flushes)
        monkeypatch.setitem(app.config, "ROADSHOW_BURST_INTERVAL", 1)
        monkeypatch.setattr(live_of(app), "ensure_running", lambda: None)
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    assert viewer.emit("hand:raise", {"roadshow_id": setup.roadshow.id}, callback=True)["raised"] is True
    viewer.disconnect()  # the network drops; the socket's visit closes
    live_state().flush()
    again = setup.connect(setup.viewer, join=False)
    ack = again.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)
    assert ack["state"]["me"]["hand_raised"] is True
    live_state().flush()
    users = [p for p in received(mod, "presence:update") if "users" in p][-1]["users"]
    assert {u["name"]: u["hand_raised"] for u in users}["Vi Ewer"] is True  # still on the moderators' list
    assert queries.presence(setup.roadshow.id, with_users=False)["hands"] == 1

    assert again.emit("hand:raise", {"roadshow_id": setup.roadshow.id, "raised": False}, callback=True)["ok"]
    again.disconnect()
    live_state().flush()
    third = setup.connect(setup.viewer, join=False)
    assert third.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)["state"]["me"][
        "hand_raised"] is False


def test_a_hand_is_not_restored_after_the_grace(setup, app, db, monkeypatch):
    from datetime import timedelta

    from sqlalchemy import update

    from app.core.db import utcnow
    from app.roadshows.models import RoomVisit
    viewer = setup.connect(setup.viewer)
    viewer.emit("hand:raise", {"roadshow_id": setup.roadshow.id}, callback=True)
    viewer.disconnect()
    db.session.execute(update(RoomVisit).values(left_at=utcnow() - timedelta(seconds=121)))
    db.session.commit()
    back = setup.connect(setup.viewer, join=False)
    assert back.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)["state"]["me"][
        "hand_raised"] is False  # a visit two minutes later is a new one


def test_interest_marks_come_back_with_the_join_state_and_can_be_withdrawn(setup):
    viewer = setup.connect(setup.viewer)
    assert viewer.emit("interest:mark", {"pitch_id": setup.second.id}, callback=True)["interested"] is True
    viewer.disconnect()
    back = setup.connect(setup.viewer, join=False)
    ack = back.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)
    assert ack["state"]["me"]["interests"] == [setup.second.id]
    assert back.emit("interest:mark", {"pitch_id": setup.second.id, "interested": False},
                     callback=True) == {"ok": True, "pitch_id": setup.second.id, "interested": False, "count": 0}
    mod = setup.connect(setup.mod, join=False)
    assert mod.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)["state"]["me"][
        "interests"] == []


def test_investor_marks_interest_and_founder_is_notified(setup, db):
    from sqlalchemy import select

    from app.notifications.models import Notification
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("interest:mark", {"pitch_id": setup.first.id}, callback=True)
    assert ack == {"ok": True, "pitch_id": setup.first.id, "interested": True, "count": 1}
    founder = setup.first.startup.owner
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == founder.id)).all()
    assert "roadshow_interest" in kinds


def test_non_investor_cannot_mark_interest(setup):
    mentor = setup.connect(setup.mod)
    ack = mentor.emit("interest:mark", {"pitch_id": setup.first.id}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "investors_only"


def test_cue_reaches_the_presenter_until_acknowledged(setup):
    mod = setup.connect(setup.mod)
    mod.emit("stage:set", {"roadshow_id": setup.roadshow.id, "pitch_id": setup.first.id, "state": "live"},
             callback=True)
    presenter = setup.connect(setup.first.presenter)
    viewer = setup.connect(setup.viewer)
    ack = mod.emit("cue:send", {"roadshow_id": setup.roadshow.id, "body": "2 minutes left"}, callback=True)
    assert ack["ok"]
    cue = received(presenter, "cue:new")[0]
    assert cue["body"] == "2 minutes left"
    assert received(viewer, "cue:new") == []
    rejoin = presenter.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)
    assert [c["id"] for c in rejoin["state"]["cues"]] == [cue["id"]]
    assert presenter.emit("cue:ack", {"cue_id": cue["id"]}, callback=True)["ok"]
    assert received(mod, "cue:acked")[0]["id"] == cue["id"]
    again = presenter.emit("roadshow:join", {"roadshow_id": setup.roadshow.id}, callback=True)
    assert again["state"]["cues"] == []


def test_viewer_cannot_send_cues(setup):
    viewer = setup.connect(setup.viewer)
    ack = viewer.emit("cue:send", {"roadshow_id": setup.roadshow.id, "body": "hurry"}, callback=True)
    assert ack["ok"] is False


def test_deactivated_user_cannot_post(setup, db):
    viewer = setup.connect(setup.viewer)
    setup.viewer.is_active_account = False
    db.session.commit()
    assert chat(viewer, setup.roadshow.id)["ok"] is False


def test_muting_stops_reactions_at_once(setup):
    viewer, mod = setup.connect(setup.viewer), setup.connect(setup.mod)
    react = {"roadshow_id": setup.roadshow.id, "kind": "heart"}
    assert viewer.emit("reaction:send", react, callback=True)["ok"] is True
    mod.emit("user:mute", {"roadshow_id": setup.roadshow.id, "user_id": setup.viewer.id}, callback=True)
    ack = viewer.emit("reaction:send", react, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "muted"
