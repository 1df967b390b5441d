"""flask-smorest set up for our error envelope, Bearer auth and CSRF in the OpenAPI spec."""
from flask_smorest import Api
from marshmallow import Schema, fields


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
        super().init_app(app, *args, **kwargs)
        self.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
        self.spec.components.security_scheme(
            "cookieAuth", {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")})
        self.spec.options["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]

