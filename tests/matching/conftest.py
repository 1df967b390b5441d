"""Matching fixtures: fast password hashes, a request context, and factories for mentors, listings and startups."""
import pytest

CATEGORY_FIELDS = {
    "compute": {"accelerator_model": "A100"},
    "pilot_testing": {"process": "Pilot batches"},
    "inspection_testing": {"standards": ["GB/T"]},
    "ip_services": {"milestones": ["Search", "Opinion"]},
    "data_models": {"licence_terms": "Non-exclusive commercial licence"},
}


@pytest.fixture
def request_ctx(app, db):
    """A request context (reasons are translated and times shown in the reader's zone)."""
    with app.test_request_context():
        yield


@pytest.fixture
def make_mentor(make_user):
    """make_mentor(name=, sectors=, tags=, headline=, bio=, languages=, free=True, session_type=True, listed=True)."""
    from app.extensions import db
    from app.mentoring import services

    def factory(*, name="Mentor", sectors=(), tags=(), headline="", bio="", languages=("en",), free=True,
                session_type=True, listed=True):
        mentor = make_user("mentor", name=name, timezone="UTC")
        services.update_my_profile(mentor=mentor, headline=headline, bio=bio, tags=list(tags), sectors=list(sectors),
                                   languages=list(languages), timezone="UTC")
        if free:
            services.replace_week(mentor=mentor, windows=[{"weekday": d, "start_time": "09:00", "end_time": "17:00"}
                                                          for d in range(7)])
        if session_type:
            services.create_session_type(mentor=mentor, name="1:1", duration_minutes=60, capacity=1,
                                         min_notice_minutes=60, max_days_ahead=60, requires_approval=False,
                                         cancellation_window_minutes=60)
        if not listed:
            profile = services.profile_for(mentor)
            profile.is_listed = False
            db.session.commit()
        return mentor

    return factory


@pytest.fixture
def make_provider(make_user):
    from app.providers import services

    counter = {"n": 0}

    def factory(owner=None, **fields):
        counter["n"] += 1
        values = {"name": f"Provider {counter['n']}", "description": "Shared lab services.", "city": "Shanghai"}
        values.update(fields)
        return services.create_provider(actor=owner or make_user("provider"), **values)

    return factory


@pytest.fixture
def make_listing(make_provider):
    """make_listing(provider=None, title=, category=, tags=, description=, city=, is_remote=, status="published")."""
    from app.providers import listings

    def factory(provider=None, *, title="Listing", category="other", tags=(), description="", city="Shanghai",
                is_remote=False, status="published", **fields):
        provider = provider or make_provider()
        return listings.create_listing(
            actor=provider.owner, provider_id=provider.id, title=title, category=category, description=description,
            unit="unit", pricing_model=fields.pop("pricing_model", "quote"), price=fields.pop("price", None),
            capacity=10, city=city, is_remote=is_remote, tags=list(tags), status=status,
            category_fields=dict(CATEGORY_FIELDS.get(category, {})), **fields)

    return factory


@pytest.fixture
def make_startup(make_user):
    from app.startups import services

    counter = {"n": 0}

    def factory(founder=None, **fields):
        counter["n"] += 1
        values = {"name": f"Startup {counter['n']}", "sector": "robotics", "stage": "seed",
                  "summary": "Robot hands.", "needs": "Actuators.", "tags": ["robotics"]}
        values.update(fields)
        city = values.pop("city", None)
        startup = services.create_startup(founder=founder or make_user("founder"), **values)
        if city:
            from app.extensions import db
            startup.city = city
            db.session.commit()
        return startup

    return factory


@pytest.fixture
def labelled(db, make_mentor, make_listing, make_provider, make_startup, make_user):
    """The labelled set of tests/matching/labelled.py, built with the services."""
    from tests.matching import labelled as data

    mentors, listings, startups = {}, {}, {}
    for group, kwargs in ((data.MENTORS, {}), (data.HIDDEN_MENTORS, {"listed": False}),
                          (data.NO_TYPES_MENTORS, {"session_type": False})):
        for key, (name, lang, sectors, tags, headline, bio, free) in group.items():
            mentors[key] = make_mentor(name=name, sectors=sectors, tags=tags, headline=headline, bio=bio,
                                       languages=[lang], free=free, **kwargs)
    providers = [make_provider(name=f"Lab {i}") for i in range(6)]
    for i, (key, (title, _lang, category, tags, text, city, remote)) in enumerate(
            list(data.LISTINGS.items()) + [(k, v) for k, v in data.DRAFT_LISTINGS.items()]):
        listings[key] = make_listing(providers[i % len(providers)], title=title, category=category, tags=tags,
                                     description=text, city=city, is_remote=remote,
                                     status="draft" if key in data.DRAFT_LISTINGS else "published")
    founder = make_user("founder")
    for key, (name, _lang, sector, stage, city, summary, needs, tags, *_rest) in data.STARTUPS.items():
        startups[key] = make_startup(founder, name=name, sector=sector, stage=stage, city=city, summary=summary,
                                     needs=needs, tags=tags)

    class Labelled:
        pass

    built = Labelled()
    built.mentors, built.listings, built.startups = mentors, listings, startups
    built.founder, built.data = founder, data
    return built
