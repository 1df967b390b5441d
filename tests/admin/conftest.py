"""Admin fixtures: an admin user and an organisation factory."""
import pytest


@pytest.fixture
def admin(make_user):
    return make_user("investor", name="Ada Admin", is_admin=True)


@pytest.fixture
def make_org(db):
    """make_org(kind="startup"|"provider", owner=None, name=..., city=None, is_verified=False)."""
    from app.accounts.models import MemberRole, Membership
    from app.providers.models import Provider
    from app.startups.models import Startup

    counter = {"n": 0}

    def factory(kind: str = "startup", *, owner=None, name: str | None = None, city: str | None = None,
                is_verified: bool = False):
        counter["n"] += 1
        model = Startup if kind == "startup" else Provider
        org = model(name=name or f"{kind.title()} {counter['n']}", city=city, is_verified=is_verified)
        if owner is not None:
            org.memberships.append(Membership(user=owner, role=MemberRole.OWNER))
        db.session.add(org)
        db.session.commit()
        return org

    return factory


@pytest.fixture
def request_ctx(app, db):
    """A request context for calling services directly: error messages are translated when raised."""
    with app.test_request_context():
        yield
