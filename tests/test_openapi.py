"""Every operation of /api/openapi.json, fuzzed by schemathesis against the app in-process.

Fails on any 5xx and on any response that breaks its own documented schema, status codes or content
type. Runs on a throwaway database of its own (a SQLite file, or a fresh PostgreSQL database when
TEST_DATABASE_URL is set), because hypothesis makes hundreds of requests that really commit.

Every operation is fuzzed twice over. Once with the token of a user suited to its path (an admin for
/api/admin, a provider who owns an organisation for provider paths, otherwise a founder who owns a startup),
through schemathesis' coverage phase (boundary and invalid values of every parameter, which only reach the
validation when the caller may act) and a few generated cases. Then with each role's Bearer token in turn
(admin, founder, mentor, provider, investor), EXAMPLES_PER_ROLE generated cases each, so what one role may
do and what another must be refused both run, and no role meets a 500. Before each call the
acting accounts are healed (tokens un-revoked, accounts reactivated), so revoking the token in use,
deactivating an account or signing out cannot lock the test out.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine, exists, select, update

from app.accounts import services as account_services
from app.accounts.models import ApiToken, MemberRole, Membership, User
from app.extensions import db as _db
from config import database_url
from tests.conftest import in_the_other_ci_run
from tests.served import throwaway_database

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = 3  # generated cases per operation with the suited actor, after the coverage phase's own
EXAMPLES_PER_ROLE = 1  # generated cases per operation and role (5 roles x ~140 operations)
ROLES = ["admin", "founder", "mentor", "provider", "investor"]
# Which demo actor calls which paths in the coverage run (longest prefix wins); everything else is the founder.
ACTOR_BY_PREFIX = {"/api/admin": "admin", "/api/providers": "provider", "/api/listings": "provider"}
FUZZ_PASSWORD = "plum-orchard-lantern-1"  # the password rule refuses one holding the name ("Fuzz …")


def _make_org(kind: str, owner: User, **fields):
    if kind == "startup":
        from app.startups.models import Startup as Org
    else:
        from app.providers.models import Provider as Org
    org = Org(**fields)
    _db.session.add(org)
    _db.session.add(Membership(organisation=org, user=owner, role=MemberRole.OWNER))
    _db.session.commit()
    return org


def _make_actors() -> dict[str, dict]:
    """Users for each actor, with the organisations they own and one API token each."""
    users = {
        "founder": account_services.register_user(email="fuzz-founder@example.test", password=FUZZ_PASSWORD,
                                                  name="Fuzz Founder", role="founder"),
        "provider": account_services.register_user(email="fuzz-provider@example.test", password=FUZZ_PASSWORD,
                                                   name="Fuzz Provider", role="provider"),
        "admin": account_services.register_user(email="fuzz-admin@example.test", password=FUZZ_PASSWORD,
                                                name="Fuzz Admin", role="investor", is_admin=True),
        "mentor": account_services.register_user(email="fuzz-mentor@example.test", password=FUZZ_PASSWORD,
                                                 name="Fuzz Mentor", role="mentor"),
        "investor": account_services.register_user(email="fuzz-investor@example.test", password=FUZZ_PASSWORD,
                                                   name="Fuzz Investor", role="investor"),
    }
    _make_org("startup", users["founder"], name="Fuzz Robotics", sector="robotics", stage="seed",
              summary="Fuzzed robots.", needs="Compute.", tags=["robots"], city="Beijing")
    _make_org("provider", users["provider"], name="Fuzz Compute Centre", description="GPUs by the hour.",
              city="Shanghai")
    actors = {}
    for role, user in users.items():
        token, secret = account_services.create_token(user=user, name="schemathesis")
        actors[role] = {"user_id": user.id, "token_id": token.id, "secret": secret}
    return actors


@pytest.fixture(scope="module")
def fuzz_app(app):
    """The session app pointed at a throwaway database with tables and actors, for this module only."""
    with throwaway_database("fuhua_openapi") as url:
        engine = create_engine(database_url(url, "sqlite://"))
        if engine.dialect.name == "sqlite":
            from app.core.db import configure_sqlite
            configure_sqlite(engine)
        with app.app_context():
            original = _db.engines[None]
            _db.session.remove()
            _db.engines[None] = engine
            _db.metadata.create_all(engine)
            app.config["FUZZ_ACTORS"] = _make_actors()
            _db.session.remove()
        try:
            yield app
        finally:
            with app.app_context():
                _db.session.remove()
                _db.engines[None] = original
            app.config.pop("FUZZ_ACTORS", None)
            engine.dispose()


def _load_schema(app, *, examples: int, coverage: bool):
    config = schemathesis.Config.from_dict({
        "seed": 20261122,
        "generation": {"max-examples": examples, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": coverage}},
    })
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return _load_schema(fuzz_app, examples=EXAMPLES, coverage=True)


@pytest.fixture(scope="module")
def api_schema_per_role(fuzz_app):
    return _load_schema(fuzz_app, examples=EXAMPLES_PER_ROLE, coverage=False)


def _heal(app) -> None:
    """Undo what earlier calls may have done to the acting accounts (revoked tokens, deactivation).

    It runs before each of the ~9,000 calls, and almost always finds nothing to undo: so one Core read on the
    engine first, and the writes only when it finds something (three ORM updates and a commit each time were
    about a tenth of this file's time on a quiet machine)."""
    actors = app.config["FUZZ_ACTORS"]
    tokens = [a["token_id"] for a in actors.values()]
    users = [a["user_id"] for a in actors.values()]
    admin = actors["admin"]["user_id"]
    with app.app_context(), _db.engine.connect() as conn:
        broken = conn.scalar(select(
            exists().where(ApiToken.id.in_(tokens), ApiToken.revoked_at.is_not(None))
            | exists().where(User.id.in_(users), User.is_active_account.is_(False))
            | exists().where(User.id == admin, User.is_admin.is_(False))))
        if broken:
            conn.execute(update(ApiToken).where(ApiToken.id.in_(tokens)).values(revoked_at=None))
            conn.execute(update(User).where(User.id.in_(users)).values(is_active_account=True))
            conn.execute(update(User).where(User.id == admin).values(is_admin=True))
            conn.commit()
        else:
            conn.rollback()


def _actor_for(path: str) -> str:
    matches = [prefix for prefix in ACTOR_BY_PREFIX if path.startswith(prefix)]
    return ACTOR_BY_PREFIX[max(matches, key=len)] if matches else "founder"


schema = schemathesis.pytest.from_fixture("api_schema")
schema_per_role = schemathesis.pytest.from_fixture("api_schema_per_role")


@pytest.fixture(autouse=True)
def _node_id_shim(request):
    """schemathesis 4.32's lazy schemas read `node._nodeid`, which pytest 9.2 no longer has (it is `nodeid`)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_openapi_spec(case, fuzz_app):
    _heal(fuzz_app)
    actor = fuzz_app.config["FUZZ_ACTORS"][_actor_for(case.path)]
    case.call_and_validate(headers={"Authorization": f"Bearer {actor['secret']}"}, checks=CHECKS)


def _fuzz_as(role: str):
    """The fuzz test of every operation, each call carrying `role`'s token."""
    @schema_per_role.parametrize()
    @settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, derandomize=True, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    def fuzz(case, fuzz_app):
        _heal(fuzz_app)
        actor = fuzz_app.config["FUZZ_ACTORS"][role]
        case.call_and_validate(headers={"Authorization": f"Bearer {actor['secret']}"}, checks=CHECKS)
    fuzz.__name__ = f"test_api_conforms_to_its_openapi_spec_as_{role}"
    for mark in in_the_other_ci_run(ROLES.index(role)):  # in CI, the roles are shared out between the two runs
        fuzz = mark(fuzz)
    return fuzz


test_api_conforms_to_its_openapi_spec_as_admin = _fuzz_as("admin")
test_api_conforms_to_its_openapi_spec_as_founder = _fuzz_as("founder")
test_api_conforms_to_its_openapi_spec_as_mentor = _fuzz_as("mentor")
test_api_conforms_to_its_openapi_spec_as_provider = _fuzz_as("provider")
test_api_conforms_to_its_openapi_spec_as_investor = _fuzz_as("investor")


def test_spec_lists_the_core_contract(fuzz_app):
    """The spec itself: served, valid enough to load, and the SPEC §8 account paths are in it."""
    spec = fuzz_app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/auth/register", "/api/auth/login", "/api/auth/csrf", "/api/auth/logout", "/api/me",
                 "/api/tokens"):
        assert path in spec["paths"], path
    assert "bearerAuth" in spec["components"]["securitySchemes"]


@pytest.mark.parametrize("actor", ROLES)
def test_fuzz_actors_are_signed_in(fuzz_app, actor):
    """The fuzzing above really runs signed in: each actor's token opens /api/me, healed after abuse."""
    _heal(fuzz_app)
    secret = fuzz_app.config["FUZZ_ACTORS"][actor]["secret"]
    body = fuzz_app.test_client().get("/api/me", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert body["email"] == f"fuzz-{actor}@example.test"
    assert body["is_admin"] is (actor == "admin")
    assert body["role"] == ("investor" if actor == "admin" else actor)
    if actor in ("founder", "provider"):
        assert len(body["organisations"]) >= 1  # the fuzzing may have created more


def test_an_id_past_the_integer_range_is_a_404_not_a_crash(fuzz_app):
    """Path ids are bounded (app.core.api.IdConverter): SQLite cannot even bind a number past 2**63."""
    secret = fuzz_app.config["FUZZ_ACTORS"]["founder"]["secret"]
    response = fuzz_app.test_client().delete("/api/tokens/226081549204532761261506560",
                                             headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    spec = fuzz_app.test_client().get("/api/openapi.json").get_json()
    assert spec["paths"]["/api/tokens/{token_id}"]["parameters"][0]["schema"]["maximum"] == 2**31 - 1
