"""Provider organisation factories."""
import pytest


@pytest.fixture
def make_provider(db, make_user):
    """make_provider(owner=None, **fields) -> a Provider owned by `owner` (a new provider user by default)."""
    from app.providers import services

    counter = {"n": 0}

    def factory(owner=None, **fields):
        counter["n"] += 1
        values = {"name": f"Provider {counter['n']}", "description": "Shared lab services.", "city": "Shanghai"}
        values.update(fields)
        return services.create_provider(actor=owner or make_user("provider"), **values)

    return factory


@pytest.fixture
def request_ctx(app, db):
    """A request context for calling services directly (error messages are translated when raised)."""
    with app.test_request_context():
        yield
