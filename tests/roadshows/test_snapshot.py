"""Joining a big room cheaply: the shared view of a room, and visits written by the flush loop."""
import pytest
from sqlalchemy import func, select

from app.roadshows.live import queries, snapshot, use_cases
from app.roadshows.live.state import current as live_state
from app.roadshows.live.state import of as live_of
from app.roadshows.models import RoomVisit


@pytest.fixture
def busy_room(db, admin, make_user, make_roadshow, make_pitch, make_startup):
    """A live pitch with a presenter, a poll, approved and pending questions, chat, a cue and a mute."""
    founder = make_user("founder", name="Fay Founder")
    roadshow = make_roadshow(premoderate_questions=True)
    pitch = make_pitch(roadshow, startup=make_startup(founder), title="Qubits", deck_pages=2)
    pitch.presenter_id = founder.id
    db.session.commit()
    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live", minutes=10)
    voter, asker, muted = make_user("investor", name="Vo Ter"), make_user("investor", name="As Ker"), \
        make_user("investor", name="Mu Ted")
    poll = use_cases.open_poll(actor=admin, roadshow_id=roadshow.id, question="Fund it?", options=["Yes", "No"])
    use_cases.vote(user=voter, poll_id=poll.id, option_id=poll.options[0].id)
    approved = use_cases.ask(user=asker, roadshow_id=roadshow.id, pitch_id=None, body="Approved one")
    use_cases.moderate_question(actor=admin, question_id=approved.id, status="approved")
    use_cases.upvote(user=voter, question_id=approved.id)
    use_cases.ask(user=asker, roadshow_id=roadshow.id, pitch_id=None, body="Still pending")
    for n in range(3):
        use_cases.send_chat(user=voter, roadshow_id=roadshow.id, body=f"hello {n}", client_id=f"c{n}")
    use_cases.send_cue(actor=admin, roadshow_id=roadshow.id, body="Two minutes")
    use_cases.mute(actor=admin, roadshow_id=roadshow.id, user_id=muted.id)
    from types import SimpleNamespace
    return SimpleNamespace(roadshow=roadshow, pitch=pitch, founder=founder, voter=voter, asker=asker, muted=muted)


def _comparable(state: dict) -> dict:
    state = {k: v for k, v in state.items() if k != "presence"}
    state["stage"] = {k: v for k, v in state["stage"].items() if k != "server_time"}
    return state


@pytest.mark.parametrize("who", ["anonymous", "founder", "voter", "asker", "muted"])
def test_a_viewers_state_from_the_view_is_the_full_state(busy_room, who):
    user = None if who == "anonymous" else getattr(busy_room, who)
    roadshow = busy_room.roadshow
    expected = queries.room_state(user, roadshow, {})
    got = snapshot.viewer_state(live_state().view(roadshow.id), user, {"count": 1})
    assert _comparable(got) == _comparable(expected)


def test_the_view_shows_what_each_person_has(busy_room):
    view = live_state().view(busy_room.roadshow.id)
    founder = snapshot.viewer_state(view, busy_room.founder, {})
    assert founder["me"]["presenter"] is True and [c["body"] for c in founder["cues"]] == ["Two minutes"]
    asker = snapshot.viewer_state(view, busy_room.asker, {})
    assert [q["body"] for q in asker["questions"]] == ["Approved one", "Still pending"]
    voter = snapshot.viewer_state(view, busy_room.voter, {})
    assert voter["polls"][0]["my_vote"] is not None and voter["questions"][0]["voted"] is True
    assert [q["body"] for q in voter["questions"]] == ["Approved one"]  # not someone else's pending one
    muted = snapshot.viewer_state(view, busy_room.muted, {})
    assert muted["me"]["muted"] is True and muted["me"]["can_post"] is False
    assert [m["body"] for m in snapshot.messages_after(view, None)] == ["hello 0", "hello 1", "hello 2"]


def test_any_commit_to_the_room_outdates_its_view(busy_room, admin):
    roadshow = busy_room.roadshow
    first = live_state().view(roadshow.id)
    assert live_state().view(roadshow.id) is first  # kept while nothing changes
    use_cases.set_slide(actor=admin, roadshow_id=roadshow.id, slide=2)
    second = live_state().view(roadshow.id)
    assert second is not first and second.state["slide"]["slide"] == 2
    # Both name the newest stage event they reflect, so a client can ignore them after a newer live event.
    assert second.state["slide"]["event_id"] == second.state["stage"]["event_id"] > first.state["stage"]["event_id"]
    use_cases.send_chat(user=busy_room.voter, roadshow_id=roadshow.id, body="new", client_id="n1")
    third = live_state().view(roadshow.id)
    assert [m["body"] for m in third.messages][-1] == "new"
    from app.roadshows import services
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, title="Renamed Demo Day")  # through the API
    assert live_state().view(roadshow.id) is not third


def test_catch_up_comes_from_the_view_when_it_holds_the_gap(busy_room):
    view = live_state().view(busy_room.roadshow.id)
    ids = [m["id"] for m in view.messages]
    assert snapshot.messages_after(view, ids[-1]) == []
    assert [m["id"] for m in snapshot.messages_after(view, ids[0])] == ids[1:]
    assert [m["id"] for m in snapshot.messages_after(view, ids[0] - 1)] == ids
    assert snapshot.messages_after(view, ids[0] - 2) is None  # it may not hold what came before: the database


@pytest.fixture
def batched(app, monkeypatch):
    """Visits wait for the flush loop, as when served; the loop itself does not run (tests call flush)."""
    monkeypatch.setitem(app.config, "ROADSHOW_BURST_INTERVAL", 1)
    monkeypatch.setattr(live_of(app), "ensure_running", lambda: None)


def _visits(roadshow_id):
    from app.extensions import db
    return list(db.session.scalars(select(RoomVisit).where(RoomVisit.roadshow_id == roadshow_id)
                                   .order_by(RoomVisit.id)))


def test_joins_and_leaves_are_written_together_by_the_flush(batched, db, make_roadshow, make_user, login,
                                                             socket_client):
    roadshow = make_roadshow()
    viewers = [socket_client(login(make_user("investor"))) for _ in range(3)] + [socket_client()]
    for sc in viewers:
        assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["ok"]
    again = viewers[0].emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)
    assert again["ok"] and again["state"]["presence"]["count"] >= 1
    assert _visits(roadshow.id) == []  # nothing written per join
    viewers[3].disconnect()  # left before the flush: still written, as a short visit
    live_state().flush()
    visits = _visits(roadshow.id)
    assert len(visits) == 4  # one per socket, the second join on the same socket made none
    assert [v.left_at is None for v in visits] == [True, True, True, False]
    assert all(v.node_id == live_state().node_id() for v in visits)
    assert queries.presence(roadshow.id, with_users=False)["count"] == 3
    viewers[1].emit("roadshow:leave", {"roadshow_id": roadshow.id}, callback=True)
    viewers[2].disconnect()
    assert queries.presence(roadshow.id, with_users=False)["count"] == 3  # closings wait for the flush too
    live_state().flush()
    assert queries.presence(roadshow.id, with_users=False)["count"] == 1
    from app.extensions import db as _db
    assert _db.session.scalar(select(func.count(RoomVisit.id)).where(RoomVisit.left_at.is_(None))) == 1


def test_a_hand_raised_before_the_visit_is_written_is_kept(batched, db, make_roadshow, make_user, login,
                                                            socket_client):
    roadshow = make_roadshow()
    user = make_user("investor")
    sc = socket_client(login(user))
    assert sc.emit("roadshow:join", {"roadshow_id": roadshow.id}, callback=True)["ok"]
    assert sc.emit("hand:raise", {"roadshow_id": roadshow.id}, callback=True) == {"ok": True, "raised": True}
    live_state().flush()
    assert [v.hand_raised_at is not None for v in _visits(roadshow.id)] == [True]
    assert queries.presence(roadshow.id, with_users=False)["hands"] == 1
