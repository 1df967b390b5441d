"""No founder double-booked by meeting offers: investors accept overlapping offers from one founder at the same
moment, through two server processes on one database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set)."""
import json
import subprocess
import sys
from collections import Counter

import pytest
import requests

from tests.mentoring.test_concurrency import at_once
from tests.served import ROOT, serve

pytestmark = pytest.mark.served

# A founder whose pitch eight investors marked; the founder offers each of them one hour on the same morning
# (9:00 or 9:15, so every offer overlaps every other). Prints the offers and each investor's API token.
_SETUP = """
import json
from datetime import timedelta
from app import create_app
from app.accounts.models import ApiToken, User
from app.accounts.services import TOKEN_PREFIX, hash_secret, new_secret
from app.conversations import meetings, services as conversations
from app.core.db import utcnow
from app.extensions import db
from app.roadshows import engagement, services as roadshows
from app.startups import services as startups
app = create_app()
with app.app_context():
    admin = User(email="admin@race.test", name="Admin", role="investor", is_admin=True, password_hash="!")
    founder = User(email="founder@race.test", name="Founder", role="founder", password_hash="!")
    investors = [User(email=f"investor{n}@race.test", name=f"Investor {n}", role="investor", password_hash="!")
                 for n in range(8)]
    db.session.add_all([admin, founder, *investors])
    db.session.commit()
    startup = startups.create_startup(founder=founder, name="Race Labs", sector="quantum", stage="seed",
                                      summary="Sensors", needs="", tags=[])
    start = utcnow() + timedelta(days=1)
    roadshow = roadshows.create_roadshow(actor=admin, title="Race Day", starts_at=start,
                                         ends_at=start + timedelta(hours=2))
    pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title="Racing")
    morning = (utcnow() + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    offers = []
    for n, investor in enumerate(investors):
        engagement.mark_interest(user=investor, pitch_id=pitch.id)
        conversation, _ = conversations.open_conversation(actor=founder, user_id=investor.id, pitch_id=pitch.id)
        offer = meetings.make_offer(founder=founder, conversation_id=conversation.id, times=[
            {"starts_at": morning + timedelta(minutes=15 * (n % 2)), "duration_minutes": 60}])
        token = TOKEN_PREFIX + new_secret(32)
        db.session.add(ApiToken(user_id=investor.id, name="race", token_hash=hash_secret(token), prefix=token[:10]))
        db.session.commit()
        offers.append({"id": offer.id, "starts_at": offer.times[0].starts_at.isoformat(), "token": token})
    print(json.dumps(offers))
"""


def test_investors_accepting_overlapping_offers_at_once_leave_the_founder_one_meeting():
    with serve(processes=2) as served:
        setup = subprocess.run([sys.executable, "-c", _SETUP], cwd=ROOT, env=served.env(), capture_output=True,
                               text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        offers = json.loads(setup.stdout.strip().splitlines()[-1])
        urls = [s.url for s in served.servers]

        def accept(i, offer):
            return lambda: requests.post(f"{urls[i % len(urls)]}/api/meeting-offers/{offer['id']}/accept",
                                         json={"starts_at": offer["starts_at"]}, timeout=60,
                                         headers={"Authorization": f"Bearer {offer['token']}"})
        responses = at_once([accept(i, offer) for i, offer in enumerate(offers)])
        result = Counter((r.status_code, _code(r)) for r in responses)
        assert result == {(201, None): 1, (409, "time_unavailable"): 7}, served.logs()[-4000:]
        winner = next(r for r in responses if r.status_code == 201).json()
        assert winner["status"] == "confirmed"


def _code(response) -> str | None:
    if response.status_code < 400:
        return None
    try:
        return response.json()["error"]["code"]
    except ValueError:
        return response.text[:80]
