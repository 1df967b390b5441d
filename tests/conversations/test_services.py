"""Conversation and meeting use cases, called directly: rules, unread counts, offers, atomic accept, reminders."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.conversations import meetings, services
from app.conversations.models import Meeting, MeetingStatus, OfferStatus
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, InvalidState, PermissionDenied
from app.extensions import db
from app.notifications.models import Notification
from tests.conversations.conftest import at


def _notes(user, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                          Notification.kind == kind)
                              .order_by(Notification.id)).all()


def _offer(people, conversation, *times, **fields):
    times = times or ((at(3, 9), 30), (at(3, 14), 60))
    return meetings.make_offer(founder=people["founder"], conversation_id=conversation.id,
                               times=[{"starts_at": s, "duration_minutes": m} for s, m in times], **fields)


# Conversations -----------------------------------------------------------------------------------

def test_reopening_from_either_side_reuses_the_conversation(people, conversation):
    again, created = services.open_conversation(actor=people["founder"], user_id=people["investor"].id,
                                                pitch_id=people["pitch"].id)
    from_investor, created_too = services.open_conversation(actor=people["investor"], user_id=people["founder"].id,
                                                            pitch_id=people["pitch"].id)
    assert (again.id, created, from_investor.id, created_too) == (conversation.id, False, conversation.id, False)
    assert conversation.pitch_id == people["pitch"].id and conversation.started_by_id == people["founder"].id


def test_a_cofounder_may_start_one_too_and_it_is_their_own(people, conversation):
    from app.accounts import organisations
    _invitation, token = organisations.invite(actor=people["founder"], organisation_id=people["startup"].id,
                                              email=people["cofounder"].email)
    organisations.accept_invitation(user=people["cofounder"], token=token)
    conv, created = services.open_conversation(actor=people["cofounder"], user_id=people["investor"].id,
                                               pitch_id=people["pitch"].id)
    assert created and conv.id != conversation.id


@pytest.mark.parametrize("actor, other", [("investor", "founder"), ("founder", "other_investor"),
                                          ("cofounder", "investor"), ("admin", "investor")])
def test_only_a_pitch_founder_starts_with_an_interested_investor(people, actor, other):
    with pytest.raises(PermissionDenied) as error:
        services.open_conversation(actor=people[actor], user_id=people[other].id, pitch_id=people["pitch"].id)
    assert error.value.code == "cannot_start"


def test_without_a_pitch_the_founder_may_write_to_anyone_interested_in_their_pitches(people):
    conv, created = services.open_conversation(actor=people["founder"], user_id=people["investor"].id)
    assert created and conv.pitch_id is None and conv.context_key == ""
    with pytest.raises(PermissionDenied):
        services.open_conversation(actor=people["founder"], user_id=people["other_investor"].id)


def test_nobody_writes_to_themselves(people):
    with pytest.raises(Invalid):
        services.open_conversation(actor=people["founder"], user_id=people["founder"].id)


@pytest.mark.parametrize("who", ["other_investor", "admin", "cofounder"])
def test_only_the_two_participants_read_or_write(people, conversation, who):
    with pytest.raises(PermissionDenied):
        services.get_conversation(user=people[who], conversation_id=conversation.id)
    with pytest.raises(PermissionDenied):
        services.post_message(actor=people[who], conversation_id=conversation.id, body="Hi")


def test_messages_are_cleaned_and_limited(people, conversation):
    message = services.post_message(actor=people["founder"], conversation_id=conversation.id,
                                    body="  Hello\u202e there\n\n\n\nBest  ")
    assert message.body == "Hello there\n\nBest"
    for bad in ("   ", "x" * (services.MAX_MESSAGE + 1)):
        with pytest.raises(Invalid):
            services.post_message(actor=people["founder"], conversation_id=conversation.id, body=bad)


def test_unread_counts_follow_messages_and_reading(people, conversation):
    founder, investor = people["founder"], people["investor"]
    services.post_message(actor=founder, conversation_id=conversation.id, body="Hello")
    services.post_message(actor=founder, conversation_id=conversation.id, body="Are you free next week?")
    assert services.unread_total(investor.id) == 2 and services.unread_total(founder.id) == 0
    assert services.mark_read(user=investor, conversation_id=conversation.id) == 0
    services.post_message(actor=investor, conversation_id=conversation.id, body="Yes")
    assert services.unread_total(founder.id) == 1 and services.unread_total(investor.id) == 0


def test_inbox_lists_latest_first_and_hides_empty_ones_from_the_other_side(people, conversation):
    founder, investor = people["founder"], people["investor"]
    general, _created = services.open_conversation(actor=founder, user_id=investor.id)
    assert [c.id for c in db.session.scalars(services.list_conversations(user=investor))] == []
    services.post_message(actor=founder, conversation_id=conversation.id, body="First")
    services.post_message(actor=founder, conversation_id=general.id, body="Second")
    assert [c.id for c in db.session.scalars(services.list_conversations(user=investor))] == [general.id,
                                                                                              conversation.id]
    rows = services.decorate(list(db.session.scalars(services.list_conversations(user=investor))), investor)
    assert [(r.unread, r.last_message.body, r.other.id) for r in rows] == [(1, "Second", founder.id),
                                                                          (1, "First", founder.id)]


def test_the_first_message_from_each_side_is_emailed(people, conversation):
    founder, investor = people["founder"], people["investor"]
    services.post_message(actor=founder, conversation_id=conversation.id, body="Hello")
    services.post_message(actor=founder, conversation_id=conversation.id, body="Again")
    services.post_message(actor=investor, conversation_id=conversation.id, body="Hi")
    to_investor = _notes(investor, "conversation_message")
    assert [n.emailed_at is not None for n in to_investor] == [True, False]
    assert [n.emailed_at is not None for n in _notes(founder, "conversation_message")] == [True]
    assert to_investor[0].url == f"/conversations/{conversation.id}"


# Offers ------------------------------------------------------------------------------------------

def test_an_offer_is_in_the_thread_and_notified_in_the_investors_zone(people, conversation):
    offer = _offer(people, conversation, location="https://meet.example/abc", note="Looking forward")
    assert offer.effective_status() == OfferStatus.PENDING and len(offer.times) == 2
    last = services.recent_messages(conversation)[-1]
    assert last.kind == "offer" and last.offer_id == offer.id
    note = _notes(people["investor"], "meeting_offered")[0]
    from app.notifications.kinds import render_for
    text = render_for(people["investor"], note.kind, note.data).text
    berlin = at(3, 9).astimezone(ZoneInfo("Europe/Berlin"))
    assert f"{berlin.hour}:00" in text and note.emailed_at is not None


def test_only_the_founder_who_started_offers_times(people, conversation):
    with pytest.raises(PermissionDenied):
        meetings.make_offer(founder=people["investor"], conversation_id=conversation.id,
                            times=[{"starts_at": at(3, 9), "duration_minutes": 30}])


@pytest.mark.parametrize("times, field, message", [
    ([(-1, 30)], "0", "already passed"),
    ([(2, 60), (2.02, 30)], "1", "Overlaps time 1"),
    ([(200, 30)], "0", "days ahead"),
    ([(2, 5)], "0", "minutes"),
])
def test_times_must_be_future_apart_and_sensible(people, conversation, times, field, message):
    base = utcnow().replace(second=0, microsecond=0)
    with pytest.raises(Invalid) as error:
        meetings.make_offer(founder=people["founder"], conversation_id=conversation.id,
                            times=[{"starts_at": base + timedelta(days=d), "duration_minutes": m} for d, m in times])
    assert message in " ".join(error.value.details["times"][field])


def test_one_to_five_times(people, conversation):
    for count in (0, 6):
        with pytest.raises(Invalid):
            meetings.make_offer(founder=people["founder"], conversation_id=conversation.id,
                                times=[{"starts_at": at(3, h), "duration_minutes": 30} for h in range(count)])


def test_times_may_not_clash_with_the_founders_mentor_bookings(people, conversation, make_booking):
    make_booking(people["founder"], at(4, 10))
    with pytest.raises(Conflict) as error:
        _offer(people, conversation, (at(4, 9), 30), (at(4, 10, 30), 30))
    assert error.value.code == "calendar_conflict"
    assert list(error.value.details["times"]) == ["1"]
    clash = error.value.details["times"]["1"][0]
    assert "Office hour" in clash and "Mei Mentor" in clash
    assert error.value.details["conflicts"][0]["kind"] == "booking"
    assert _offer(people, conversation, (at(4, 11), 30)).id  # right after the session is free


# Accepting ---------------------------------------------------------------------------------------

def test_accepting_makes_a_confirmed_meeting_for_both(people, conversation):
    offer = _offer(people, conversation, location="Room 3")
    meeting = meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 14))
    assert (meeting.status, meeting.starts_at, meeting.ends_at, meeting.location) == (
        MeetingStatus.CONFIRMED, at(3, 14), at(3, 15), "Room 3")
    db.session.refresh(offer)
    assert offer.effective_status() == OfferStatus.ACCEPTED
    for user in (people["founder"], people["investor"]):
        assert [m.id for m in db.session.scalars(meetings.list_meetings(user=user))] == [meeting.id]
    assert _notes(people["founder"], "meeting_accepted")
    assert services.recent_messages(conversation)[-1].data["action"] == "accepted"


def test_a_second_accept_is_a_conflict_and_makes_no_second_meeting(people, conversation):
    offer = _offer(people, conversation)
    meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 9))
    with pytest.raises(InvalidState) as error:
        meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 14))
    assert error.value.code == "offer_accepted"
    with pytest.raises(InvalidState):
        meetings.decline_offer(investor=people["investor"], offer_id=offer.id)
    assert len(db.session.scalars(select(Meeting).where(Meeting.offer_id == offer.id)).all()) == 1


def test_the_accept_update_is_conditional(people, conversation):
    """Two accepts that both passed the status check: the conditional UPDATE lets only the first through."""
    offer = _offer(people, conversation)
    meetings._claim(offer.id, OfferStatus.ACCEPTED)
    db.session.commit()
    with pytest.raises(InvalidState) as error:
        meetings._claim(offer.id, OfferStatus.ACCEPTED)
    assert error.value.code == "offer_accepted"


def test_only_the_invitee_answers(people, conversation):
    offer = _offer(people, conversation)
    for who in ("founder", "other_investor"):
        with pytest.raises(PermissionDenied):
            meetings.accept_offer(investor=people[who], offer_id=offer.id, starts_at=at(3, 9))


def test_a_time_not_offered_is_refused(people, conversation):
    offer = _offer(people, conversation)
    with pytest.raises(Conflict) as error:
        meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 10))
    assert error.value.code == "time_not_offered"


def test_an_offer_whose_times_passed_has_expired(people, conversation):
    offer = _offer(people, conversation)
    past = utcnow() - timedelta(hours=2)
    offer.last_starts_at = past
    for i, t in enumerate(offer.times):
        t.starts_at, t.ends_at = past - timedelta(hours=i), past - timedelta(hours=i) + timedelta(minutes=30)
    db.session.commit()
    assert offer.effective_status() == OfferStatus.EXPIRED
    with pytest.raises(InvalidState) as error:
        meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=offer.times[0].starts_at)
    assert error.value.code == "offer_expired"


def test_accepting_rechecks_the_founders_calendar(people, conversation, make_booking):
    offer = _offer(people, conversation)
    make_booking(people["founder"], at(3, 14))  # booked after the offer was made
    with pytest.raises(Conflict) as error:
        meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 14))
    assert error.value.code == "time_unavailable"
    assert meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 9)).id


def test_declining_tells_the_founder(people, conversation):
    offer = _offer(people, conversation)
    meetings.decline_offer(investor=people["investor"], offer_id=offer.id, reason="Travelling")
    assert offer.effective_status() == OfferStatus.DECLINED and offer.decline_reason == "Travelling"
    assert _notes(people["founder"], "meeting_declined")


# Meetings ----------------------------------------------------------------------------------------

def test_either_side_cancels_once_and_the_other_is_told(people, conversation):
    offer = _offer(people, conversation)
    meeting = meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 9))
    with pytest.raises(PermissionDenied):
        meetings.cancel_meeting(actor=people["other_investor"], meeting_id=meeting.id)
    meetings.cancel_meeting(actor=people["founder"], meeting_id=meeting.id, reason="Clash")
    assert meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_by_id == people["founder"].id
    assert _notes(people["investor"], "meeting_cancelled")
    with pytest.raises(InvalidState):
        meetings.cancel_meeting(actor=people["investor"], meeting_id=meeting.id)
    assert list(db.session.scalars(meetings.list_meetings(user=people["investor"]))) == []
    # the cancelled time is free again
    assert _offer(people, conversation, (at(3, 9), 30)).id


def test_the_ics_describes_the_meeting(people, conversation):
    offer = _offer(people, conversation, location="https://meet.example/abc")
    meeting = meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 9))
    ics = meetings.meeting_ics(meeting).decode()
    assert "BEGIN:VEVENT" in ics and f"UID:meeting-{meeting.id}@fuhua" in ics
    assert "DTSTART" in ics and at(3, 9).strftime("%Y%m%dT%H%M%SZ") in ics
    assert "https://meet.example/abc" in ics and "STATUS:CONFIRMED" in ics


def test_reminders_go_out_once_each(people, conversation):
    offer = _offer(people, conversation, (at(3, 9), 30))
    meeting = meetings.accept_offer(investor=people["investor"], offer_id=offer.id, starts_at=at(3, 9))
    assert meetings.send_due_reminders(now=meeting.starts_at - timedelta(hours=30)) == 0
    assert meetings.send_due_reminders(now=meeting.starts_at - timedelta(hours=20)) == 1
    assert meetings.send_due_reminders(now=meeting.starts_at - timedelta(hours=19)) == 0
    assert meetings.send_due_reminders(now=meeting.starts_at - timedelta(minutes=30)) == 1
    assert len(_notes(people["investor"], "meeting_reminder_24h")) == 1
    assert len(_notes(people["founder"], "meeting_reminder_1h")) == 1
