"""Input and output schemas for provider organisations."""
from marshmallow import Schema, fields, pre_load, validate

from app.accounts.organisation_schemas import MembersField
from app.core.pagination import PageArgsSchema

URL_SCHEMES = {"http", "https"}


def _http_url(**kwargs):
    return fields.Url(schemes=URL_SCHEMES, allow_none=True, validate=validate.Length(max=300), **kwargs)


class _ProviderInput(Schema):
    @pre_load
    def tidy(self, data, **kwargs):
        """Trim strings; an empty city, website or logo means none."""
        if not isinstance(data, dict):
            return data
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        for key in ("city", "website", "logo_url"):
            if data.get(key) == "":
                data[key] = None
        return data


class CreateProviderSchema(_ProviderInput):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=20000))
    city = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                         metadata={"description": "Where the services are delivered (or Remote)"})
    website = _http_url(load_default=None)
    logo_url = _http_url(load_default=None)


class UpdateProviderSchema(_ProviderInput):
    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=20000))
    city = fields.String(allow_none=True, validate=validate.Length(max=100))
    website = _http_url()
    logo_url = _http_url()


class ProviderSearchArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Matches name, description and city"})
    city = fields.String(load_default=None, validate=validate.Length(max=100))

    @pre_load
    def blank_is_absent(self, data, **kwargs):
        return {k: v for k, v in data.items() if v != ""}


class ProviderSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    city = fields.String(required=True, allow_none=True)
    website = fields.String(required=True, allow_none=True)
    logo_url = fields.String(required=True, allow_none=True)
    is_verified = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    members = MembersField(required=True)


provider_schema = ProviderSchema()
providers_schema = ProviderSchema(many=True)
