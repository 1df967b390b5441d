"""`flask seed-demo`: a believable incubator, idempotent, with five demo sign-ins."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import MemberRole, Membership, Organisation, OrgKind, User
from app.core.seed import DEMO_PASSWORD
from app.extensions import db as _db

DEMO_EMAILS = {role: f"{role}@demo.fuhua.dev" for role in ("admin", "founder", "mentor", "provider", "investor")}


def _counts(db) -> dict[str, int]:
    def count(stmt):
        return db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    return {
        "users": count(select(User.id)),
        "startups": count(select(Organisation.id).where(Organisation.kind == OrgKind.STARTUP)),
        "providers": count(select(Organisation.id).where(Organisation.kind == OrgKind.PROVIDER)),
        "memberships": count(select(Membership.id)),
    }


@pytest.fixture(scope="module")
def _seeded_database(app):
    """`flask seed-demo` run once for the module, on a throwaway database of its own (it takes seconds)."""
    from sqlalchemy import create_engine

    from app.core.db import configure_sqlite
    from config import database_url
    from tests.served import throwaway_database

    with throwaway_database("fuhua_seeded") as url:
        engine = create_engine(database_url(url, "sqlite://"))
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)
        _db.metadata.create_all(engine)
        with app.app_context(), engine.connect() as conn:
            # One connection, as the suite's `db` gives every test (the seed's units of work join it)
            outer = conn.begin()
            original = _db.engines[None]
            _db.session.remove()
            _db.session.configure(join_transaction_mode="create_savepoint")
            _db.engines[None] = conn
            try:
                result = app.test_cli_runner().invoke(args=["seed-demo"])
                outer.commit()
            finally:
                _db.session.remove()
                _db.engines[None] = original
        try:
            yield engine, result
        finally:
            engine.dispose()


@pytest.fixture
def seeded(db, _seeded_database):
    """The seeded database for this test (its CLI result), inside an outer transaction rolled back after it, as
    the suite's `db` does: a test that writes (seeding again, signing in) leaves the next one the same data."""
    from tests.conftest import rolled_back

    engine, result = _seeded_database
    assert result.exit_code == 0, result.output
    with rolled_back(engine):
        yield result


def test_seed_twice_changes_nothing(app, db, seeded):
    before = _counts(db)
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert _counts(db) == before


def test_seed_makes_a_believable_incubator(db, seeded):
    counts = _counts(db)
    assert counts["startups"] >= 18
    assert counts["providers"] >= 6
    startups = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.STARTUP)).all()
    assert len({s.sector for s in startups}) >= 10
    assert all(s.summary and s.needs and s.tags and s.city and s.owner for s in startups)
    assert any(s.is_verified for s in startups) and not all(s.is_verified for s in startups)
    mentors = db.session.scalars(select(User).where(User.role == "mentor")).all()
    assert len(mentors) >= 8
    assert {"Asia/Shanghai", "Europe/Berlin", "America/Los_Angeles"} <= {m.timezone for m in mentors}
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "investor")) >= 2


def test_demo_founder_and_provider_own_organisations(db, seeded):
    for role, kind in (("founder", OrgKind.STARTUP), ("provider", OrgKind.PROVIDER)):
        user = db.session.scalar(select(User).where(User.email == DEMO_EMAILS[role]))
        owned = [m.organisation for m in user.memberships if m.role == MemberRole.OWNER]
        assert owned and all(org.kind == kind for org in owned), role


def test_seed_prints_the_demo_accounts(seeded):
    for email in DEMO_EMAILS.values():
        assert email in seeded.output
    assert DEMO_PASSWORD in seeded.output


@pytest.mark.parametrize("role", sorted(DEMO_EMAILS))
def test_demo_accounts_sign_in_through_the_api(app, db, seeded, role):
    response = app.test_client().post("/api/auth/login", json={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.get_json()
    user = response.get_json()["user"]
    assert user["is_admin"] is (role == "admin")
    if role != "admin":
        assert user["role"] == role


def test_if_empty_skips_a_database_with_users(app, db, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "founder@demo.fuhua.dev" in result.output
    assert _counts(db)["users"] == 1
    assert _counts(db)["startups"] == 0


def test_if_empty_seeds_an_empty_database(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert _counts(db)["startups"] >= 18


def _chinese(text: str | None) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def _english(text: str | None) -> bool:
    return sum(ch.isascii() and ch.isalpha() for ch in text or "") >= 20


def test_demo_data_is_chinese_and_english_side_by_side(db, seeded):
    from app.mentoring.models import MentorProfile
    from app.providers.models import Listing
    from app.roadshows.models import Roadshow

    listings = db.session.scalars(select(Listing)).all()
    chinese_listings = [x for x in listings if _chinese(x.description)]
    assert len(listings) >= 25 and len(chinese_listings) >= 10
    assert any(_english(x.description) for x in chinese_listings)  # some keep an English line for foreign founders
    assert {"compute", "pilot_testing", "inspection_testing", "ip_services", "data_models", "design_manufacturing",
            "concept_verification"} <= {x.category for x in chinese_listings}
    startups = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.STARTUP)).all()
    assert len([s for s in startups if _chinese(s.summary) and _chinese(s.needs)]) >= 4
    assert {"Beijing", "Shanghai"} <= {s.city for s in startups if _chinese(s.summary)}
    bios = [p.bio for p in db.session.scalars(select(MentorProfile))]
    assert len([b for b in bios if _chinese(b)]) >= 8 and len([b for b in bios if _chinese(b) and _english(b)]) >= 5
    roadshows = db.session.scalars(select(Roadshow)).all()
    chinese_roadshow = next(r for r in roadshows if r.title.startswith("张江"))
    assert _chinese(chinese_roadshow.description) and all(_chinese(p.title) for p in chinese_roadshow.pitches)
    assert len(chinese_roadshow.pitches) == 4
