"""Shared marshmallow fields."""
from datetime import UTC, datetime

import pytest
from marshmallow import Schema, ValidationError

from app.core.fields import Instant


class _When(Schema):
    at = Instant(required=True)


def test_an_instant_loads_as_utc(app):
    with app.test_request_context():
        assert _When().load({"at": "2030-05-01T09:00:00+08:00"})["at"] == datetime(2030, 5, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["0001-01-01T00:15:00+05:24", "9999-12-31T23:59:00-05:00", "1066-10-14T09:00:00Z"])
def test_far_off_years_are_a_field_error_not_an_overflow(app, value):
    with app.test_request_context(), pytest.raises(ValidationError) as error:
        _When().load({"at": value})
    assert "at" in error.value.messages


def test_a_booking_moved_to_year_one_is_a_422(db, make_user, login):
    api = login(make_user("founder"))
    response = api.post("/api/bookings/1/reschedule", json={"starts_at": "0001-01-01T00:15:00+05:24"})
    assert response.status_code == 422 and "starts_at" in response.get_json()["error"]["details"]
