"""Startup factories."""
import pytest


@pytest.fixture
def make_startup(db, make_user):
    """make_startup(founder=None, **fields) -> a Startup owned by `founder` (a new founder by default)."""
    from app.startups import services

    counter = {"n": 0}

    def factory(founder=None, **fields):
        counter["n"] += 1
        values = {"name": f"Startup {counter['n']}", "sector": "quantum", "stage": "seed",
                  "summary": "We build quantum sensors.", "needs": "", "tags": []}
        values.update(fields)
        return services.create_startup(founder=founder or make_user("founder"), **values)

    return factory


@pytest.fixture
def request_ctx(app, db):
    """A request context for calling services directly (error messages are translated when raised)."""
    with app.test_request_context():
        yield
