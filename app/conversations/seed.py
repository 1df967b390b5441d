"""Demo: the demo investor marked interest in the demo founder's pitch at the upcoming demo day, and the
two have started talking, so `/conversations` and the pitch's interest list show what they are for."""
from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import MemberRole, Membership, Organisation, User
from app.conversations import services
from app.conversations.models import Conversation
from app.extensions import db
from app.roadshows import engagement
from app.roadshows.models import Pitch, Roadshow
from app.roadshows.seed import UPCOMING_TITLE

OPENING = ("Thanks for marking interest in DexMotion! Happy to walk you through our pilot data before the "
           "demo day. 感谢关注，我们可以在路演日前详细介绍试点数据。")
REPLY = "Gladly. Could you share unit economics at 1,000 hands a year? 好的，请先发一下年产一千套时的单位成本。"


def seed(*, users: dict[str, User], startups: list[Organisation], providers: list[Organisation]) -> None:
    """Create the demo conversation when missing (idempotent: one per pitch and pair of people)."""
    founder, investor = users.get("founder"), users.get("investor")
    if founder is None or investor is None:
        return
    pitch = db.session.scalar(
        select(Pitch).join(Roadshow, Pitch.roadshow_id == Roadshow.id)
        .join(Membership, (Membership.organisation_id == Pitch.startup_id) & (Membership.user_id == founder.id))
        .where(Roadshow.title == UPCOMING_TITLE, Membership.role == MemberRole.OWNER)
        .order_by(Pitch.position).limit(1))
    if pitch is None or db.session.scalar(select(Conversation.id).where(Conversation.pitch_id == pitch.id)) is not None:
        return
    engagement.mark_interest(user=investor, pitch_id=pitch.id)
    conversation, _ = services.open_conversation(actor=founder, user_id=investor.id, pitch_id=pitch.id, body=OPENING)
    services.post_message(actor=investor, conversation_id=conversation.id, body=REPLY)
