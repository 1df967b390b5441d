"""Input and output schemas for startups and the showcase search."""
from marshmallow import Schema, fields, pre_load, validate

from app.accounts.organisation_schemas import MembersField
from app.core.pagination import PageArgsSchema
from app.startups.services import MAX_TAG_LENGTH, MAX_TAGS, SECTORS, STAGES

URL_SCHEMES = {"http", "https"}
OPTIONAL_KEYS = ("website", "logo_url", "highlights")


def _http_url(**kwargs):
    return fields.Url(schemes=URL_SCHEMES, allow_none=True, validate=validate.Length(max=300), **kwargs)


class _StartupInput(Schema):
    @pre_load
    def tidy(self, data, **kwargs):
        """Trim strings and tags; an empty website, logo or highlights means none."""
        if not isinstance(data, dict):
            return data
        data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
        if isinstance(data.get("tags"), list):
            data["tags"] = [t.strip() if isinstance(t, str) else t for t in data["tags"]]
        for key in OPTIONAL_KEYS:
            if data.get(key) == "":
                data[key] = None
        return data


class CreateStartupSchema(_StartupInput):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    sector = fields.String(required=True, validate=validate.OneOf(SECTORS))
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    summary = fields.String(required=True, validate=validate.Length(min=1, max=500),
                            metadata={"description": "What the product does, in a sentence or two"})
    needs = fields.String(load_default="", validate=validate.Length(max=5000),
                          metadata={"description": "What the startup is looking for (mentors, resources, funding)"})
    tags = fields.List(fields.String(validate=validate.Length(max=MAX_TAG_LENGTH)), load_default=list,
                       validate=validate.Length(max=MAX_TAGS),
                       metadata={"description": "Stored trimmed, lowercase and unique"})
    website = _http_url(load_default=None)
    logo_url = _http_url(load_default=None)
    highlights = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    description = fields.String(load_default="", validate=validate.Length(max=20000))


class UpdateStartupSchema(_StartupInput):
    name = fields.String(validate=validate.Length(min=1, max=200))
    sector = fields.String(validate=validate.OneOf(SECTORS))
    stage = fields.String(validate=validate.OneOf(STAGES))
    summary = fields.String(validate=validate.Length(min=1, max=500))
    needs = fields.String(validate=validate.Length(max=5000))
    tags = fields.List(fields.String(validate=validate.Length(max=MAX_TAG_LENGTH)),
                       validate=validate.Length(max=MAX_TAGS))
    website = _http_url()
    logo_url = _http_url()
    highlights = fields.String(allow_none=True, validate=validate.Length(max=5000))
    description = fields.String(validate=validate.Length(max=20000))


class StartupSearchArgsSchema(PageArgsSchema):
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Matches name, summary, needs, description and tags"})
    sector = fields.String(load_default=None, validate=validate.OneOf(SECTORS))
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))
    tag = fields.String(load_default=None, validate=validate.Length(max=MAX_TAG_LENGTH))

    @pre_load
    def blank_is_absent(self, data, **kwargs):
        """`?sector=` (as an empty form field sends it) means no filter."""
        return {k: v for k, v in data.items() if v != ""}


class StartupSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    sector = fields.String(required=True, allow_none=True, metadata={"description": "One of: " + ", ".join(SECTORS)})
    stage = fields.String(required=True, allow_none=True, metadata={"description": "One of: " + ", ".join(STAGES)})
    summary = fields.String(required=True, allow_none=True)
    needs = fields.String(required=True, allow_none=True)
    tags = fields.List(fields.String(), required=True)
    website = fields.String(required=True, allow_none=True)
    logo_url = fields.String(required=True, allow_none=True)
    highlights = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    is_verified = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    members = MembersField(required=True)


startup_schema = StartupSchema()
startups_schema = StartupSchema(many=True)
