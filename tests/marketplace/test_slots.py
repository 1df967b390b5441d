"""Availability calendars: a time-based listing offers slots instead of a count; a request picks one; accepting
takes it (no longer offered); a second accept of the same slot is a 409; cancelling gives it back; a calendar with
every slot taken is sold out."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

UTC = timezone.utc


def _day(days_ahead: int) -> datetime:
    base = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days_ahead)


@pytest.fixture
def calendar_listing(market, make_listing):
    return make_listing(provider=market.provider, title="Cleanroom line time", booking_mode="calendar", capacity=0,
                        unit="4-hour slot")


def _add(api, listing_id, *pairs):
    return api.post(f"/api/listings/{listing_id}/slots", json={"slots": [
        {"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in pairs]})


def _slots(api, listing_id, **params):
    return api.get(f"/api/listings/{listing_id}/slots", query_string=params).get_json()


def _second_founder(make_user, make_startup):
    founder = make_user("founder")
    make_startup(founder=founder, name="二号初创")
    return founder


class TestCalendar:
    def test_pattern_in_the_providers_zone_across_daylight_saving(self, request_ctx):
        from app.providers.slots import pattern_slots
        made = pattern_slots(first_day=date(2027, 3, 26), last_day=date(2027, 3, 29), weekdays=[0, 4],
                             start_time=time(9), end_time=time(13), slot_minutes=120, timezone="Europe/Berlin")
        # Friday 26 March (UTC+1), then Monday 29 March (UTC+2): 09:00 local both days
        assert [(s.isoformat(), e.isoformat()) for s, e in made] == [
            ("2027-03-26T08:00:00+00:00", "2027-03-26T10:00:00+00:00"),
            ("2027-03-26T10:00:00+00:00", "2027-03-26T12:00:00+00:00"),
            ("2027-03-29T07:00:00+00:00", "2027-03-29T09:00:00+00:00"),
            ("2027-03-29T09:00:00+00:00", "2027-03-29T11:00:00+00:00")]

    def test_a_whole_day_ends_at_midnight(self, request_ctx):
        from app.providers.slots import pattern_slots
        [(start, end)] = pattern_slots(first_day=date(2027, 5, 3), last_day=date(2027, 5, 3), weekdays=[0],
                                       start_time=time(0), end_time=time(0), slot_minutes=None,
                                       timezone="Asia/Shanghai")
        assert (start.isoformat(), end - start) == ("2027-05-02T16:00:00+00:00", timedelta(days=1))

    def test_provider_adds_slots_and_startups_see_the_free_ones(self, market, calendar_listing, login, client):
        api = login(market.provider_user)
        response = api.post(f"/api/listings/{calendar_listing.id}/slots", json={"pattern": {
            "first_day": _day(2).date().isoformat(), "last_day": _day(8).date().isoformat(),
            "weekdays": [0, 1, 2, 3, 4, 5, 6], "start_time": "09:00", "end_time": "17:00", "slot_minutes": 240,
            "timezone": "Asia/Shanghai"}})
        assert response.status_code == 201, response.get_json()
        assert len(response.get_json()) == 14
        assert len(_slots(client, calendar_listing.id)) == 14
        listing = client.get(f"/api/listings/{calendar_listing.id}").get_json()
        assert listing["booking_mode"] == "calendar" and listing["available"] == 14 and not listing["is_sold_out"]

    @pytest.mark.parametrize("pairs, status, field_or_code", [
        ([(-30, 2)], 422, "slots"),  # began yesterday
        ([(5, 0)], 422, "slots"),  # ends when it starts
        ([(1, 4), (3, 4)], 422, "slots"),  # overlap each other
        ([(400 * 24, 2)], 422, "slots"),  # more than a year ahead
    ])
    def test_bad_slots_are_refused(self, market, calendar_listing, login, pairs, status, field_or_code):
        base = _day(1)
        times = [(base + timedelta(hours=h), base + timedelta(hours=h + length)) for h, length in pairs]
        response = _add(login(market.provider_user), calendar_listing.id, *times)
        assert response.status_code == status and field_or_code in response.get_json()["error"]["details"]

    @pytest.mark.parametrize("body", [
        {}, {"slots": []}, {"slots": [{"starts_at": "2027-01-01T09:00"}]},
        {"slots": [{"starts_at": "2027-01-01T09:00", "ends_at": "2027-01-01T10:00"}]},  # no offset
        {"pattern": {"first_day": "2027-01-01", "last_day": "2027-01-02", "weekdays": [9], "start_time": "09:00",
                     "end_time": "10:00", "timezone": "Asia/Shanghai"}},
        {"pattern": {"first_day": "2027-01-01", "last_day": "2027-01-02", "weekdays": [0], "start_time": "09:00",
                     "end_time": "10:00", "timezone": "Mars/Olympus"}},
        "not an object",
    ])
    def test_malformed_bodies_are_422(self, market, calendar_listing, login, body):
        response = login(market.provider_user).post(f"/api/listings/{calendar_listing.id}/slots", json=body)
        assert response.status_code in (400, 422)

    def test_overlapping_an_existing_slot_is_a_conflict(self, market, calendar_listing, login):
        api = login(market.provider_user)
        start = _day(3) + timedelta(hours=1)
        assert _add(api, calendar_listing.id, (start, start + timedelta(hours=4))).status_code == 201
        again = _add(api, calendar_listing.id, (start + timedelta(hours=2), start + timedelta(hours=6)))
        assert again.status_code == 409 and again.get_json()["error"]["code"] == "slot_overlap"

    def test_only_members_edit_the_calendar(self, market, calendar_listing, login):
        start = _day(3)
        assert _add(login(market.founder), calendar_listing.id, (start, start + timedelta(hours=2))).status_code == 403


class TestBooking:
    def _setup(self, market, calendar_listing, login, count=2):
        api = login(market.provider_user)
        start = _day(2) + timedelta(hours=1)
        made = _add(api, calendar_listing.id, *[(start + timedelta(hours=4 * i), start + timedelta(hours=4 * i + 4))
                                                 for i in range(count)]).get_json()
        return api, [slot["id"] for slot in made]

    def test_a_request_picks_a_free_slot(self, market, calendar_listing, login):
        _api, slot_ids = self._setup(market, calendar_listing, login)
        founder = login(market.founder)
        missing = founder.post(f"/api/listings/{calendar_listing.id}/requests", json={"message": "hi"})
        assert missing.status_code == 422 and "slot_id" in missing.get_json()["error"]["details"]
        other = founder.post(f"/api/listings/{calendar_listing.id}/requests", json={"slot_id": 999_999})
        assert other.status_code == 422
        made = founder.post(f"/api/listings/{calendar_listing.id}/requests", json={"slot_id": slot_ids[0],
                                                                                "quantity": 7})
        assert made.status_code == 201, made.get_json()
        body = made.get_json()
        assert body["slot"]["id"] == slot_ids[0] and body["quantity"] == 1 and not body["slot"]["is_taken"]

    def test_accepting_takes_the_slot_and_a_second_accept_is_a_409(self, market, calendar_listing, login,
                                                                   make_user, make_startup, client):
        provider, slot_ids = self._setup(market, calendar_listing, login)
        second = login(_second_founder(make_user, make_startup))
        founders = [login(market.founder), second]
        ids = []
        for founder in founders:
            rid = founder.post(f"/api/listings/{calendar_listing.id}/requests",
                               json={"slot_id": slot_ids[0]}).get_json()["id"]
            quote_id = provider.post(f"/api/requests/{rid}/quote", json={"price": 800}).get_json()["quote_id"]
            ids.append((rid, quote_id))
        first = founders[0].post(f"/api/requests/{ids[0][0]}/accept", json={"quote_id": ids[0][1]})
        assert first.status_code == 200, first.get_json()
        assert [s["id"] for s in _slots(client, calendar_listing.id)] == [slot_ids[1]]
        taken = [s for s in _slots(provider, calendar_listing.id, include_taken="true") if s["id"] == slot_ids[0]]
        assert taken[0]["is_taken"]
        late = second.post(f"/api/requests/{ids[1][0]}/accept", json={"quote_id": ids[1][1]})
        assert late.status_code == 409 and late.get_json()["error"]["code"] == "slot_taken"
        assert second.get(f"/api/requests/{ids[1][0]}").get_json()["state"] == "quoted"
        page = second.get(f"/requests/{ids[1][0]}").get_data(as_text=True)
        assert "data-slot-taken" in page and "Accept quote" not in page
        # a new request for the taken slot is refused at once
        again = second.post(f"/api/listings/{calendar_listing.id}/requests", json={"slot_id": slot_ids[0]})
        assert again.status_code == 409 and again.get_json()["error"]["code"] == "slot_taken"
        # cancelling the accepted request gives the slot back
        assert founders[0].post(f"/api/requests/{ids[0][0]}/cancel", json={}).status_code == 200
        assert slot_ids[0] in [s["id"] for s in _slots(client, calendar_listing.id)]
        assert second.post(f"/api/requests/{ids[1][0]}/accept", json={"quote_id": ids[1][1]}).status_code == 200

    def test_a_calendar_with_every_slot_taken_is_sold_out(self, market, calendar_listing, login, client,
                                                          make_request):
        provider, [slot_id] = self._setup(market, calendar_listing, login, count=1)
        founder = login(market.founder)
        rid = founder.post(f"/api/listings/{calendar_listing.id}/requests", json={"slot_id": slot_id}).get_json()["id"]
        quote_id = provider.post(f"/api/requests/{rid}/quote", json={"price": 800}).get_json()["quote_id"]
        assert founder.post(f"/api/requests/{rid}/accept", json={"quote_id": quote_id}).status_code == 200
        listing = client.get(f"/api/listings/{calendar_listing.id}").get_json()
        assert listing["is_sold_out"] and listing["available"] == 0
        refused = founder.post(f"/api/listings/{calendar_listing.id}/requests", json={"slot_id": slot_id})
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "sold_out"
        page = founder.get(f"/resources/{calendar_listing.id}").get_data(as_text=True)
        assert "data-sold-out-badge" in page and "data-slot-picker" not in page and "Send request" not in page
        assert "data-sold-out-badge" in client.get("/resources?q=cleanroom").get_data(as_text=True)

    def test_deleting_slots(self, market, calendar_listing, login):
        provider, slot_ids = self._setup(market, calendar_listing, login, count=3)
        founder = login(market.founder)
        rid = founder.post(f"/api/listings/{calendar_listing.id}/requests",
                           json={"slot_id": slot_ids[0]}).get_json()["id"]
        asked = provider.delete(f"/api/listings/{calendar_listing.id}/slots/{slot_ids[0]}")
        assert asked.status_code == 409 and asked.get_json()["error"]["code"] == "slot_requested"
        quote_id = provider.post(f"/api/requests/{rid}/quote", json={"price": 800}).get_json()["quote_id"]
        founder.post(f"/api/requests/{rid}/accept", json={"quote_id": quote_id})
        taken = provider.delete(f"/api/listings/{calendar_listing.id}/slots/{slot_ids[0]}")
        assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "slot_taken"
        assert provider.delete(f"/api/listings/{calendar_listing.id}/slots/{slot_ids[1]}").status_code == 204
        assert provider.delete(f"/api/listings/{calendar_listing.id}/slots/{slot_ids[1]}").status_code == 404
        assert founder.delete(f"/api/listings/{calendar_listing.id}/slots/{slot_ids[2]}").status_code == 403


class TestPages:
    def test_provider_adds_slots_from_the_page_and_startup_requests_one(self, db, market, calendar_listing, login):
        provider = login(market.provider_user)
        assert provider.get(f"/resources/{calendar_listing.id}/calendar").status_code == 200
        first = _day(3).date()
        sent = provider.client.post(f"/resources/{calendar_listing.id}/calendar", data={
            "csrf_token": provider.csrf_token, "first_day": first.isoformat(),
            "last_day": (first + timedelta(days=1)).isoformat(), "weekdays": [str(i) for i in range(7)],
            "start_time": "09:00", "end_time": "13:00", "slot_minutes": "120"})
        assert sent.status_code == 302
        page = provider.get(f"/resources/{calendar_listing.id}/calendar").get_data(as_text=True)
        assert page.count("data-slot-id=") == 4 and "4 slots added" in page
        bad = provider.client.post(f"/resources/{calendar_listing.id}/calendar", data={
            "csrf_token": provider.csrf_token, "first_day": first.isoformat(), "last_day": first.isoformat(),
            "weekdays": ["0", "1", "2", "3", "4", "5", "6"], "start_time": "13:00", "end_time": "09:00"})
        assert bad.status_code == 422 and 'value="13:00"' in bad.get_data(as_text=True)

        founder = login(market.founder)
        listing_page = founder.get(f"/resources/{calendar_listing.id}").get_data(as_text=True)
        assert listing_page.count('name="slot_id"') == 4
        slot_id = _slots(founder, calendar_listing.id)[0]["id"]
        none_chosen = founder.client.post(f"/resources/{calendar_listing.id}/request", data={
            "csrf_token": founder.csrf_token, "startup_id": str(market.startup.id), "message": "我们需要洁净室"})
        assert none_chosen.status_code == 422 and "Choose a slot" in none_chosen.get_data(as_text=True)
        chosen = founder.client.post(f"/resources/{calendar_listing.id}/request", data={
            "csrf_token": founder.csrf_token, "startup_id": str(market.startup.id), "slot_id": str(slot_id),
            "message": "我们需要洁净室"})
        assert chosen.status_code == 302
        request_page = founder.client.get(chosen.headers["Location"]).get_data(as_text=True)
        assert "data-request-slot" in request_page

    def test_unit_listings_keep_the_quantity(self, market, login):
        page = login(market.founder).get(f"/resources/{market.listing.id}").get_data(as_text=True)
        assert 'name="quantity"' in page and "data-slot-picker" not in page
        assert Decimal("12.50") == market.listing.price


def test_the_demo_offers_a_calendar_listing_once(app, db):
    from sqlalchemy import func, select

    from app.providers.models import Listing, ListingSlot
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    listing = db.session.scalar(select(Listing).where(Listing.booking_mode == "calendar"))
    count = db.session.scalar(select(func.count(ListingSlot.id)).where(ListingSlot.listing_id == listing.id))
    assert listing.status == "published" and 10 <= count <= 20 and listing.available == count
