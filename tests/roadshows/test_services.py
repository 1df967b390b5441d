"""Roadshow rules called directly: judging and the leaderboard, the report, access, agenda."""
import pytest

from app.core.errors import InvalidState, PermissionDenied
from app.roadshows import engagement, services
from app.roadshows.live import access, queries, use_cases
from app.roadshows.live.state import current as live_state


def test_weighted_leaderboard(db, admin, make_user, make_roadshow, make_pitch):
    j1, j2 = make_user("mentor"), make_user("mentor")
    roadshow = make_roadshow(criteria=[{"name": "Team", "weight": 3}, {"name": "Market", "weight": 1}],
                             judge_ids=[j1.id, j2.id])
    a, b = make_pitch(roadshow, title="A"), make_pitch(roadshow, title="B")
    engagement.score_pitch(judge=j1, pitch_id=a.id, scores={"Team": 4, "Market": 10})
    engagement.score_pitch(judge=j2, pitch_id=a.id, scores={"Team": 6, "Market": 10})
    engagement.score_pitch(judge=j1, pitch_id=b.id, scores={"Team": 8, "Market": 0})
    board = engagement.leaderboard(user=admin, roadshow_id=roadshow.id)
    assert [(r["pitch"].title, r["score"], r["judges"]) for r in board["rows"]] == [("B", 6.0, 1), ("A", 6.25, 2)][::-1]


def test_rescoring_replaces(db, make_user, make_roadshow, make_pitch):
    judge = make_user("mentor")
    roadshow = make_roadshow(criteria=[{"name": "Team", "weight": 1}], judge_ids=[judge.id])
    pitch = make_pitch(roadshow)
    engagement.score_pitch(judge=judge, pitch_id=pitch.id, scores={"Team": 2})
    sheet = engagement.score_pitch(judge=judge, pitch_id=pitch.id, scores={"Team": 9})
    assert sheet["scores"] == {"Team": 9}


def test_only_judges_score(db, make_user, make_roadshow, make_pitch):
    roadshow = make_roadshow(criteria=[{"name": "Team", "weight": 1}])
    with pytest.raises(PermissionDenied):
        engagement.score_pitch(judge=make_user("mentor"), pitch_id=make_pitch(roadshow).id, scores={"Team": 1})


def test_leaderboard_hidden_until_published(db, admin, client, make_user, make_roadshow, make_pitch):
    roadshow = make_roadshow(criteria=[{"name": "Team", "weight": 1}])
    make_pitch(roadshow)
    viewer = make_user("investor")
    with pytest.raises(PermissionDenied):
        engagement.leaderboard(user=viewer, roadshow_id=roadshow.id)
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, leaderboard_published=True)
    assert client.get(f"/api/roadshows/{roadshow.id}/leaderboard").get_json()["published"] is True


def test_scores_api(db, make_user, login, make_roadshow, make_pitch):
    judge = make_user("mentor")
    roadshow = make_roadshow(criteria=[{"name": "Team", "weight": 1}], judge_ids=[judge.id])
    pitch = make_pitch(roadshow)
    api = login(judge)
    assert api.put(f"/api/pitches/{pitch.id}/scores", json={"scores": {"Team": 7}}).get_json()["scores"] == {"Team": 7}
    assert api.put(f"/api/pitches/{pitch.id}/scores", json={"scores": {"Looks": 7}}).status_code == 422
    assert api.put(f"/api/pitches/{pitch.id}/scores", json={"scores": {"Team": 11}}).status_code == 422


def test_report_counts(db, admin, make_user, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow)
    viewer = make_user("investor")
    use_cases.join(user=viewer, roadshow_id=roadshow.id, after_id=None, sid="s1")
    use_cases.join(user=None, roadshow_id=roadshow.id, after_id=None, sid="s2")
    use_cases.send_chat(user=viewer, roadshow_id=roadshow.id, body="hi", client_id="1")
    question = use_cases.ask(user=viewer, roadshow_id=roadshow.id, pitch_id=pitch.id, body="why?")
    use_cases.moderate_question(actor=admin, question_id=question.id, status="answered")
    engagement.mark_interest(user=viewer, pitch_id=pitch.id)
    use_cases.leave(sid="s1")
    data = engagement.report(actor=admin, roadshow_id=roadshow.id)
    assert (data["unique_viewers"], data["signed_in_viewers"], data["messages"], data["questions"],
            data["answered"]) == (2, 1, 1, 1, 1)
    assert data["pitches"][0]["interest"] == 1


def test_report_api_for_organisers(db, admin, make_user, login, make_roadshow):
    roadshow = make_roadshow()
    assert login(admin).get(f"/api/roadshows/{roadshow.id}/report").status_code == 200
    assert login(make_user("investor")).get(f"/api/roadshows/{roadshow.id}/report").status_code == 403


def test_interest_api(db, make_user, login, make_roadshow, make_pitch):
    pitch = make_pitch(make_roadshow())
    investor = make_user("investor")
    assert login(investor).put(f"/api/pitches/{pitch.id}/interest").get_json()["count"] == 1
    listing = login(pitch.startup.owner).get(f"/api/pitches/{pitch.id}/interest").get_json()
    assert [i["user"]["id"] for i in listing["items"]] == [investor.id]
    assert login(investor).delete(f"/api/pitches/{pitch.id}/interest").get_json()["count"] == 0


def test_ended_roadshow_takes_no_pitches(db, admin, make_roadshow, make_startup):
    roadshow = make_roadshow()
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, status="ended")
    with pytest.raises(InvalidState):
        services.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=make_startup().id, title="late")


def test_pitching_founder_may_watch_invite_only(db, make_roadshow, make_pitch, make_user):
    roadshow = make_roadshow(visibility="invite_only")
    pitch = make_pitch(roadshow)
    assert access.can_watch(pitch.startup.owner, roadshow)
    assert not access.can_watch(make_user("investor"), roadshow)
    assert not access.can_watch(None, roadshow)


def test_reminders_are_sent_once(db, make_user, make_roadshow):
    from datetime import timedelta

    from sqlalchemy import func, select

    from app.core.db import utcnow
    from app.notifications.models import Notification
    soon = make_roadshow(starts_at=utcnow() + timedelta(minutes=30))
    later = make_roadshow(starts_at=utcnow() + timedelta(days=2))
    user = make_user("investor")
    services.register(user=user, roadshow_id=soon.id)
    services.register(user=user, roadshow_id=later.id)
    assert services.send_reminders() == 1
    assert services.send_reminders() == 0
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)).all()
    assert kinds.count("roadshow_reminder") == 1
    assert db.session.scalar(select(func.count(Notification.id))) >= 1


def test_remind_command(app, db, make_user, make_roadshow):
    from datetime import timedelta

    from app.core.db import utcnow
    roadshow = make_roadshow(starts_at=utcnow() + timedelta(minutes=10))
    services.register(user=make_user("investor"), roadshow_id=roadshow.id)
    result = app.test_cli_runner().invoke(args=["roadshows", "remind"])
    assert result.exit_code == 0 and "Sent 1 reminder(s)." in result.output


def test_judge_scores_from_the_detail_page(db, make_user, login, make_roadshow, make_pitch):
    judge = make_user("mentor")
    roadshow = make_roadshow(criteria=[{"name": "Team", "weight": 1}], judge_ids=[judge.id])
    pitch = make_pitch(roadshow)
    api = login(judge)
    assert 'name="score-Team"' in api.get(f"/roadshows/{roadshow.id}").get_data(as_text=True)
    api.post(f"/roadshows/pitches/{pitch.id}/scores", data={"csrf_token": api.csrf_token, "score-Team": "8"})
    assert engagement.score_sheet(pitch.id, judge.id)["scores"] == {"Team": 8}


def test_visits_of_a_silent_server_process_are_closed(db, app, make_user, make_roadshow, monkeypatch):
    from datetime import timedelta

    from app.core.db import utcnow
    from app.roadshows.models import LiveNode, RoomVisit
    monkeypatch.setitem(app.config, "ROADSHOW_NODE_TIMEOUT", 30)
    roadshow = make_roadshow()
    viewer, other = make_user("investor"), make_user("investor")
    now = utcnow()
    dead_beat = now - timedelta(seconds=90)
    db.session.add_all([
        LiveNode(id="dead", started_at=now - timedelta(hours=1), seen_at=dead_beat),
        LiveNode(id="alive", started_at=now - timedelta(hours=1), seen_at=now - timedelta(seconds=5)),
        RoomVisit(roadshow_id=roadshow.id, user_id=viewer.id, sid="s1", node_id="dead",
                  joined_at=now - timedelta(minutes=30)),
        RoomVisit(roadshow_id=roadshow.id, user_id=other.id, sid="s2", node_id="alive",
                  joined_at=now - timedelta(minutes=20)),
        RoomVisit(roadshow_id=roadshow.id, user_id=None, sid="s3", node_id="never-beat",
                  joined_at=now - timedelta(minutes=10)),
    ])
    db.session.commit()
    assert queries.presence(roadshow.id, with_users=False)["count"] == 3

    assert live_state().sweep() == 2
    visits = {v.sid: v for v in db.session.scalars(db.select(RoomVisit))}
    assert visits["s1"].left_at == dead_beat  # time in the room ends at the process's last beat
    assert visits["s2"].left_at is None
    assert visits["s3"].left_at == visits["s3"].joined_at
    assert db.session.get(LiveNode, "dead") is None and db.session.get(LiveNode, "alive") is not None
    assert queries.presence(roadshow.id, with_users=False)["count"] == 1
    assert live_state().sweep() == 0


def test_a_process_beats_and_its_joins_carry_its_id(db, app, make_user, make_roadshow):
    from app.roadshows.models import LiveNode, RoomVisit
    live_state().heartbeat()
    first = db.session.get(LiveNode, live_state().node_id()).seen_at
    live_state().heartbeat()
    assert db.session.get(LiveNode, live_state().node_id()).seen_at >= first
    roadshow = make_roadshow()
    use_cases.join(user=make_user("investor"), roadshow_id=roadshow.id, after_id=None, sid="sid-1")
    assert db.session.scalar(db.select(RoomVisit.node_id).where(RoomVisit.sid == "sid-1")) == live_state().node_id()
    assert live_state().sweep() == 0  # our own process is never swept, however long ago it beat


def test_saving_the_same_moderators_and_judges_again_keeps_their_roles(db, admin, make_user, make_roadshow):
    """The edit page sends every moderator and judge on each save; those already in keep their row."""
    mod, judge, newcomer = make_user("mentor", name="莫德"), make_user("mentor"), make_user("investor")
    roadshow = make_roadshow(moderator_ids=[mod.id])
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, moderator_ids=[mod.id], judge_ids=[judge.id])
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, moderator_ids=[mod.id, newcomer.id],
                             judge_ids=[judge.id], premoderate_questions=True)
    db.session.expire_all()
    roadshow = services.get_roadshow(roadshow.id)
    assert sorted((r.role, r.user_id) for r in roadshow.roles) == sorted(
        [("moderator", mod.id), ("moderator", newcomer.id), ("judge", judge.id)])
    assert roadshow.premoderate_questions is True
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, moderator_ids=[newcomer.id], judge_ids=[])
    db.session.expire_all()
    assert [(r.role, r.user_id) for r in services.get_roadshow(roadshow.id).roles] == [("moderator", newcomer.id)]
