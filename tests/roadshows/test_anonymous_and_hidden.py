"""Anonymous questions and polls that hide their results until closed (issue 17, item 4): what the audience
and the moderators get over sockets (events, acks, join state), REST, the replay page and the transcript."""
import re
from types import SimpleNamespace

import pytest

from app.roadshows.live.state import current as live_state
from tests.roadshows.conftest import ack_of, received


@pytest.fixture
def room(db, admin, make_user, login, socket_client, make_roadshow, make_pitch):
    """A live public roadshow that takes anonymous questions: a moderator, an asker and another viewer joined."""
    from app.roadshows.live import use_cases
    mod = make_user("mentor", name="莫主持")
    roadshow = make_roadshow(title="匿名路演", moderator_ids=[mod.id], anonymous_questions=True)
    pitch = make_pitch(roadshow, title="量子芯片")
    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live")
    asker, other = make_user("investor", name="钱多多"), make_user("investor", name="李观众")

    def fresh(user=None):
        return socket_client(login(user) if user else None)

    def connect(user=None):
        sc = fresh(user)
        assert ack_of(sc, "roadshow:join", {"roadshow_id": roadshow.id})["ok"]
        sc.get_received()
        return sc

    def join_state(user=None):
        return ack_of(fresh(user), "roadshow:join", {"roadshow_id": roadshow.id})["state"]

    return SimpleNamespace(roadshow=roadshow, pitch=pitch, mod=mod, asker=asker, other=other, connect=connect,
                           join_state=join_state, login=login)


def ask(sc, room, body="估值多少？", **extra):
    return ack_of(sc, "qa:ask", {"roadshow_id": room.roadshow.id, "body": body, **extra})


# anonymous questions ------------------------------------------------------------------------------

def test_the_audience_gets_an_anonymous_question_without_its_asker(room):
    mod, asker, other, anon = room.connect(room.mod), room.connect(room.asker), room.connect(room.other), room.connect()
    ack = ask(asker, room, anonymous=True)
    assert ack["ok"] and ack["question"]["is_anonymous"] is True and ack["question"]["user"] is None
    for sc in (other, anon):
        [new] = received(sc, "qa:new")
        assert new["body"] == "估值多少？" and new["is_anonymous"] is True and new["user"] is None
    # moderators get the room's copy, then theirs with the asker
    assert [(e["name"], e["args"][0]["user"]) for e in mod.get_received() if e["name"].startswith("qa:")] == [
        ("qa:new", None), ("qa:update", {"id": room.asker.id, "name": "钱多多"})]


def test_a_named_question_keeps_its_asker_for_everyone(room):
    other = room.connect(room.other)
    assert ask(room.connect(room.asker), room)["question"]["user"]["name"] == "钱多多"
    [new] = received(other, "qa:new")
    assert new["is_anonymous"] is False and new["user"]["name"] == "钱多多"


def test_anonymous_questions_only_where_the_organisers_allow_them(room, db):
    room.roadshow.anonymous_questions = False
    db.session.commit()
    ack = ask(room.connect(room.asker), room, anonymous=True)
    assert ack["ok"] is False and ack["error"]["code"] == "anonymous_off"
    bad = ask(room.connect(room.asker), room, anonymous="yes please")
    assert bad["ok"] is False and bad["error"]["code"] == "validation_error" and "anonymous" in bad["error"]["details"]


def test_join_state_and_rest_name_the_asker_only_to_moderators(room, client):
    ask(room.connect(room.asker), room, anonymous=True)
    for user, name in ((None, None), (room.other, None), (room.asker, None), (room.mod, "钱多多")):
        sc = room.login(user).client if user else client
        [question] = room.join_state(user)["questions"]
        assert (question["user"] or {}).get("name") == name, user
        listed = sc.get(f"/api/roadshows/{room.roadshow.id}/questions")
        assert listed.status_code == 200
        [row] = listed.get_json()["items"]
        assert row["is_anonymous"] is True and (row["user"] or {}).get("name") == name, user


def test_a_premoderated_anonymous_question_names_its_asker_in_the_review_queue_only(room, db):
    room.roadshow.premoderate_questions = True
    db.session.commit()
    mod, other = room.connect(room.mod), room.connect(room.other)
    question = ask(room.connect(room.asker), room, anonymous=True)["question"]
    assert received(mod, "qa:new")[0]["user"]["name"] == "钱多多"
    assert ack_of(mod, "qa:moderate", {"question_id": question["id"], "status": "approved"})["question"]["user"]
    [approved] = received(other, "qa:new")
    assert approved["status"] == "approved" and approved["user"] is None


def test_upvote_bursts_keep_an_anonymous_question_anonymous(room):
    other = room.connect(room.other)
    qid = ask(room.connect(room.asker), room, anonymous=True)["question"]["id"]
    voted = ack_of(other, "qa:upvote", {"question_id": qid})
    assert voted["question"]["votes"] == 1 and voted["question"]["user"] is None
    live_state().flush()
    assert received(other, "qa:update")[-1]["user"] is None


def test_replay_and_transcript_say_anonymous_except_to_moderators(room, admin):
    from app.roadshows.live import use_cases
    ask(room.connect(room.asker), room, "不署名的问题", anonymous=True)
    ask(room.connect(room.other), room, "署名的问题")
    use_cases.set_stage(actor=admin, roadshow_id=room.roadshow.id, pitch_id=None, state="ended")
    for path in (f"/roadshows/{room.roadshow.id}/replay", f"/roadshows/{room.roadshow.id}/transcript"):
        audience = room.login(room.other).client.get(path).get_data(as_text=True)
        assert "不署名的问题" in audience and "钱多多" not in audience and "<strong>Anonymous</strong>" in audience
        assert "<strong>李观众</strong>" in audience  # a named question keeps its name
        moderator = room.login(room.mod).client.get(path).get_data(as_text=True)
        assert "钱多多 (anonymous)" in moderator


def test_the_edit_page_sets_anonymous_questions(room, login, admin):
    from app.roadshows.services import get_roadshow
    api = login(admin)
    page = api.client.get(f"/roadshows/{room.roadshow.id}/edit").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="anonymous_questions"[^>]*>', page)
    assert box and "checked" in box[0]
    updated = api.patch(f"/api/roadshows/{room.roadshow.id}", json={"anonymous_questions": False})
    assert updated.status_code == 200 and updated.get_json()["anonymous_questions"] is False
    assert get_roadshow(room.roadshow.id).anonymous_questions is False


# polls that hide their results ----------------------------------------------------------------------

def open_hidden_poll(mod, room):
    ack = ack_of(mod, "poll:open", {"roadshow_id": room.roadshow.id, "question": "投不投？", "options": ["投", "不投"],
                                    "hide_results": True})
    assert ack["ok"], ack
    assert ack["poll"]["hide_results"] is True and ack["poll"]["options"][0]["votes"] == 0
    return ack["poll"]


def test_a_hidden_poll_shows_voters_no_counts_until_it_closes(room):
    mod, voter, other = room.connect(room.mod), room.connect(room.asker), room.connect(room.other)
    poll = open_hidden_poll(mod, room)
    assert [o["votes"] for o in received(other, "poll:update")[0]["options"]] == [None, None]
    assert ack_of(voter, "poll:vote", {"poll_id": poll["id"], "option_id": poll["options"][0]["id"]}) == {"ok": True}
    mod.get_received()
    live_state().flush()
    seen = received(other, "poll:update")[-1]
    assert [o["votes"] for o in seen["options"]] == [None, None] and seen["total"] == 1
    assert [[o["votes"] for o in p["options"]] for p in received(mod, "poll:update")] == [[None, None], [1, 0]]
    closed = ack_of(mod, "poll:close", {"poll_id": poll["id"]})
    assert closed["ok"]
    final = received(other, "poll:update")[-1]
    assert final["status"] == "closed" and [o["votes"] for o in final["options"]] == [1, 0]


def test_join_state_and_rest_hide_the_results_from_the_audience_only(room, client):
    poll = open_hidden_poll(room.connect(room.mod), room)
    ack_of(room.connect(room.asker), "poll:vote", {"poll_id": poll["id"], "option_id": poll["options"][1]["id"]})
    for user, votes in ((None, [None, None]), (room.asker, [None, None]), (room.mod, [0, 1])):
        [state_poll] = room.join_state(user)["polls"]
        assert [o["votes"] for o in state_poll["options"]] == votes, user
        api = room.login(user).client if user else client
        [listed] = api.get(f"/api/roadshows/{room.roadshow.id}/polls").get_json()["items"]
        assert [o["votes"] for o in listed["options"]] == votes, user
    [mine] = room.join_state(room.asker)["polls"]
    assert mine["my_vote"] == poll["options"][1]["id"]


def test_an_ordinary_poll_shows_its_counts_to_everyone(room):
    mod, other = room.connect(room.mod), room.connect(room.other)
    ack = ack_of(mod, "poll:open", {"roadshow_id": room.roadshow.id, "question": "好吗？", "options": ["好", "不好"]})
    assert ack["poll"]["hide_results"] is False
    assert [o["votes"] for o in received(other, "poll:update")[0]["options"]] == [0, 0]
