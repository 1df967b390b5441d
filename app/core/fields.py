"""Marshmallow fields shared by the domains' schemas."""
from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields

MIN_YEAR, MAX_YEAR = 1900, 2200


class Instant(fields.AwareDateTime):
    """An ISO 8601 time with an offset, loaded as UTC; far-off years are a field error, not an overflow.

    "0001-01-01T00:15:00+05:24" is valid ISO 8601, but in UTC it falls before year 1, which Python
    cannot represent: without this check the use case raised OverflowError (a 500).
    """

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise ValidationError(str(_l("Send a time between the years %(low)d and %(high)d.",
                                          low=MIN_YEAR, high=MAX_YEAR)))
        return moment.astimezone(UTC)
