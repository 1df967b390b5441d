"""Organisation membership under real concurrent requests (two server processes, one database; PostgreSQL
when TEST_DATABASE_URL is set): ownership transfers and leaves never leave two owners or none, and an
invitation is either withdrawn or accepted, never both."""
import json
import subprocess
import sys
from collections import Counter

import pytest
import requests

from tests.mentoring.test_concurrency import at_once
from tests.served import ROOT, serve

pytestmark = pytest.mark.served
ROUNDS = 4

# ROUNDS startups, each owned by one founder with two members; a second set whose two members are both
# owners (as the race this test guards against used to leave them); a third set owned by the same founders,
# each with an open invitation (the tests run in turn on the same data, so each uses its own set).
# Prints ids and API tokens.
_SETUP = """
import json
from datetime import timedelta
from app import create_app
from app.accounts.models import ApiToken, Invitation, MemberRole, Membership, User
from app.accounts.services import TOKEN_PREFIX, hash_secret, new_secret
from app.core.db import utcnow
from app.extensions import db
from app.startups import services as startups
app = create_app()


def person(email):
    user = User(email=email, name=email.split("@")[0], role="founder", password_hash="!")
    db.session.add(user)
    db.session.flush()
    token = TOKEN_PREFIX + new_secret(32)
    db.session.add(ApiToken(user_id=user.id, name="race", token_hash=hash_secret(token), prefix=token[:10]))
    return user, token


with app.app_context():
    rounds = []
    for n in range(ROUNDS):
        (owner, owner_token), (a, a_token), (b, b_token) = (person(f"{w}{n}@race.test") for w in ("o", "a", "b"))
        (invitee, invitee_token) = person(f"i{n}@race.test")
        db.session.commit()
        startup = startups.create_startup(founder=owner, name=f"Race {n}", sector="quantum", stage="seed",
                                          summary="Sensors", needs="", tags=[])
        db.session.add_all([Membership(organisation_id=startup.id, user_id=a.id, role=MemberRole.MEMBER),
                            Membership(organisation_id=startup.id, user_id=b.id, role=MemberRole.MEMBER)])
        twin = startups.create_startup(founder=a, name=f"Twin {n}", sector="quantum", stage="seed",
                                       summary="Sensors", needs="", tags=[])
        db.session.add(Membership(organisation_id=twin.id, user_id=b.id, role=MemberRole.OWNER))
        guild = startups.create_startup(founder=owner, name=f"Guild {n}", sector="quantum", stage="seed",
                                        summary="Sensors", needs="", tags=[])
        secret = new_secret()
        invitation = Invitation(organisation_id=guild.id, email=invitee.email, token_hash=hash_secret(secret),
                                invited_by_id=owner.id, expires_at=utcnow() + timedelta(days=7))
        db.session.add(invitation)
        db.session.commit()
        rounds.append({"org": startup.id, "twin": twin.id, "a": a.id, "b": b.id, "owner_token": owner_token,
                       "a_token": a_token, "b_token": b_token, "invitee_token": invitee_token,
                       "invitation": invitation.id, "secret": secret})
    print(json.dumps(rounds))
""".replace("ROUNDS", str(ROUNDS))


def _code(response) -> str | None:
    if response.status_code < 400:
        return None
    try:
        return response.json()["error"]["code"]
    except ValueError:
        return response.text[:80]


def _owners(url: str, token: str, org: int) -> list[int]:
    members = requests.get(f"{url}/api/organisations/{org}/members", timeout=30,
                           headers={"Authorization": f"Bearer {token}"}).json()
    return [m["id"] for m in members if m["role"] == "owner"]


@pytest.fixture(scope="module")
def race():
    with serve(processes=2) as served:
        setup = subprocess.run([sys.executable, "-c", _SETUP], cwd=ROOT, env=served.env(), capture_output=True,
                               text=True, timeout=120)
        assert setup.returncode == 0, setup.stderr
        yield served, [s.url for s in served.servers], json.loads(setup.stdout.strip().splitlines()[-1])


def _post(url, path, token, body=None):
    return lambda: requests.post(url + path, json=body, timeout=60, headers={"Authorization": f"Bearer {token}"})


def test_concurrent_transfers_to_two_members_leave_exactly_one_owner(race):
    served, urls, rounds = race
    for r in rounds:
        path = f"/api/organisations/{r['org']}/transfer"
        responses = at_once([_post(urls[0], path, r["owner_token"], {"user_id": r["a"]}),
                             _post(urls[1], path, r["owner_token"], {"user_id": r["b"]})])
        statuses = Counter((resp.status_code, _code(resp)) for resp in responses)
        assert statuses == {(200, None): 1, (403, "not_the_owner"): 1}, (statuses, served.logs()[-3000:])
        owners = _owners(urls[0], r["a_token"], r["org"])
        assert len(owners) == 1 and owners[0] in (r["a"], r["b"])


def test_two_owners_leaving_at_once_leave_one_owner(race):
    served, urls, rounds = race
    for r in rounds:
        path = f"/api/organisations/{r['twin']}/leave"
        responses = at_once([_post(urls[0], path, r["a_token"]), _post(urls[1], path, r["b_token"])])
        statuses = Counter((resp.status_code, _code(resp)) for resp in responses)
        assert statuses == {(204, None): 1, (409, "last_owner"): 1}, (statuses, served.logs()[-3000:])
        stayed = r["a_token"] if responses[1].status_code == 204 else r["b_token"]
        assert len(_owners(urls[0], stayed, r["twin"])) == 1


def test_withdrawing_an_invitation_while_it_is_accepted_does_one_or_the_other(race):
    served, urls, rounds = race
    outcomes = Counter()
    for r in rounds:
        withdraw = lambda r=r: requests.delete(f"{urls[0]}/api/invitations/{r['invitation']}", timeout=60,  # noqa: E731
                                               headers={"Authorization": f"Bearer {r['owner_token']}"})
        accept = _post(urls[1], "/api/invitations/accept", r["invitee_token"], {"token": r["secret"]})
        withdrawn, accepted = at_once([withdraw, accept])
        assert (withdrawn.status_code < 300) != (accepted.status_code < 300), \
            (withdrawn.status_code, withdrawn.text, accepted.status_code, accepted.text, served.logs()[-3000:])
        loser = accepted if withdrawn.status_code < 300 else withdrawn
        assert loser.status_code == 409 and _code(loser) in ("invitation_revoked", "invitation_used")
        outcomes["withdrawn" if withdrawn.status_code < 300 else "accepted"] += 1
    assert sum(outcomes.values()) == ROUNDS
