"""flask-smorest set up for our error envelope, Bearer auth and CSRF in the OpenAPI spec."""
import flask_smorest
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from app.core.hostile import FuhuaParser

# Ids are INTEGER columns; a larger number cannot name a row (and SQLite cannot even bind one past 2**63).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to the id range: a larger number names nothing (404) instead of crashing the
    query; the bound shows in the OpenAPI spec as the parameter's `maximum`."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        # Not a mismatch (werkzeug would then try the path's other rules and answer 405 when one takes
        # another method): the path is right, the thing it names does not exist.
        number = int(value)
        if self.max is not None and number > self.max:
            raise NotFound()
        return super().to_python(value)


# Every blueprint's @arguments parses with FuhuaParser: flask-smorest's documented hook, set before any
# blueprint module is imported (they all import app.extensions, which imports this module).
flask_smorest.Blueprint.ARGUMENTS_PARSER = FuhuaParser()
# `location="multipart"` (FuhuaParser: form fields and files together) is documented as one multipart/form-data
# requestBody; "form" and "files" on one view would give two bodies, and flask-smorest then writes the Swagger 2
# `in: formData` parameter that OpenAPI 3 tools reject.
flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
    **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable snake_case error code"})
    message = fields.String(required=True, metadata={"description": "Human-readable, in the user's language"})
    details = fields.Dict(metadata={"description": "Field errors (422) or ids"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class FuhuaApi(Api):
    """Our Api: errors use the SPEC §6 envelope, which `app.core.errors` renders."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Error handlers are registered by `app.core.errors.register_error_handlers`."""

    def init_app(self, app, *args, **kwargs):
        app.url_map.converters["int"] = IdConverter  # before any blueprint adds its rules
        super().init_app(app, *args, **kwargs)
        self.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
        self.spec.components.security_scheme(
            "cookieAuth", {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")})
        self.spec.options["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]



def error_responses(blp, *statuses: int):
    """A decorator documenting the SPEC §6 error envelope for these statuses on an operation of `blp`.

    Modules bind it once: `_errors = functools.partial(error_responses, blp)`, then `@_errors(403, 404)`.
    """
    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response="DEFAULT_ERROR")(view)
        return view
    return decorate
