"""One rule for who may post in a room, the same whichever facts it is given: the database, the room's
view at a join, or this process's snapshot of the room when a reaction allowance is renewed."""
import pytest

from app.roadshows.live import access
from app.roadshows.live.state import current as live_state


@pytest.mark.parametrize("facts, code", [
    ({"signed_in": False, "may_watch": False, "room_open": True, "muted": False}, "sign_in_required"),
    ({"signed_in": True, "may_watch": False, "room_open": True, "muted": False}, "registration_required"),
    ({"signed_in": True, "may_watch": True, "room_open": False, "muted": False}, "roadshow_closed"),
    ({"signed_in": True, "may_watch": True, "room_open": True, "muted": True}, "muted"),
    ({"signed_in": True, "may_watch": True, "room_open": False, "muted": True}, "roadshow_closed"),
    ({"signed_in": True, "may_watch": True, "room_open": True, "muted": False}, None),
])
def test_the_posting_rule(facts, code):
    refusal = access.post_refusal(signed_in=facts["signed_in"], may_watch=lambda: facts["may_watch"],
                                  room_open=facts["room_open"], muted=lambda: facts["muted"])
    assert (refusal.code if refusal else None) == code


def test_the_rule_asks_only_what_it_needs():
    asked = []
    refusal = access.post_refusal(signed_in=False, may_watch=lambda: asked.append("watch"), room_open=True,
                                  muted=lambda: asked.append("muted"))
    assert refusal.code == "sign_in_required" and asked == []


def _answers(app, user, roadshow):
    """What each place that decides "may this person post" says, as True/False."""
    from app.roadshows.live.snapshot import viewer_state
    live = live_state()
    live.forget_room_snapshots()
    live.allow_reactions(roadshow.id, user.id)  # vetted in this process, as after a join
    return {"database": access.can_post(user, roadshow),
            "join": viewer_state(live.view(roadshow.id), user, {})["me"]["can_post"],
            "reaction renewal": live.renew(app, roadshow.id, str(user.id))}


def test_every_place_agrees_for_a_viewer_who_may_post(app, make_user, make_roadshow):
    roadshow, user = make_roadshow(), make_user("investor")
    assert _answers(app, user, roadshow) == {"database": True, "join": True, "reaction renewal": True}


def test_every_place_agrees_once_a_viewer_is_muted(app, admin, make_user, make_roadshow):
    from app.roadshows.live import use_cases
    roadshow, user = make_roadshow(), make_user("investor")
    use_cases.mute(actor=admin, roadshow_id=roadshow.id, user_id=user.id)
    assert _answers(app, user, roadshow) == {"database": False, "join": False, "reaction renewal": False}


def test_every_place_agrees_once_the_roadshow_ends(app, admin, make_user, make_roadshow):
    from app.roadshows import services
    roadshow, user = make_roadshow(), make_user("investor")
    services.update_roadshow(actor=admin, roadshow_id=roadshow.id, status="ended")
    assert _answers(app, user, roadshow) == {"database": False, "join": False, "reaction renewal": False}


def test_the_view_and_the_database_agree_on_who_moderates(admin, make_user, make_roadshow):
    mod, viewer = make_user("mentor"), make_user("investor")
    roadshow = make_roadshow(moderator_ids=[mod.id])
    view = live_state().view(roadshow.id)
    for user in (admin, mod, viewer):
        assert view.is_moderator(user) == access.is_moderator(user, roadshow)
    assert [access.is_moderator(u, roadshow) for u in (admin, mod, viewer, None)] == [True, True, False, False]
