"""Output and query schemas of the matching API."""
from marshmallow import Schema, fields, validate

from app.matching.services import MAX_LIMIT


class MatchArgsSchema(Schema):
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": "How many of each kind to return"})


class MatchedMentorSchema(Schema):
    id = fields.Integer(required=True, attribute="user_id", metadata={"description": "The mentor's user id"})
    name = fields.Function(lambda p: p.user.name, required=True, metadata={"type": "string"})
    is_verified = fields.Function(lambda p: p.user.is_verified, required=True, metadata={"type": "boolean"})
    headline = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    sectors = fields.List(fields.String(), required=True)
    languages = fields.List(fields.String(), required=True)


class MatchedProviderSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MatchedListingSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    category = fields.String(required=True)
    provider = fields.Nested(MatchedProviderSchema, required=True)
    unit = fields.String(required=True)
    pricing_model = fields.String(required=True)
    price = fields.Float(required=True, allow_none=True)
    city = fields.String(required=True, allow_none=True)
    is_remote = fields.Boolean(required=True)
    tags = fields.List(fields.String(), required=True)
    rating = fields.Float(required=True, allow_none=True, attribute="rating_avg")
    rating_count = fields.Integer(required=True)


class MatchedStartupSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    sector = fields.String(required=True, allow_none=True)
    stage = fields.String(required=True, allow_none=True)
    city = fields.String(required=True, allow_none=True)
    summary = fields.String(required=True, allow_none=True)
    needs = fields.String(required=True, allow_none=True)
    tags = fields.List(fields.String(), required=True)


class _MatchFields(Schema):
    score = fields.Float(required=True, metadata={"description": "0–1: relevance × rating and availability factors"})
    reasons = fields.List(fields.String(), required=True,
                          metadata={"description": "Why, in words, in the reader's language"})


class MentorMatchSchema(_MatchFields):
    mentor = fields.Nested(MatchedMentorSchema, required=True, attribute="item")
    rating = fields.Float(required=True, allow_none=True, metadata={"description": "Average founder rating, 1–5"})
    rating_count = fields.Integer(required=True)
    sessions_delivered = fields.Integer(required=True)
    next_free_at = fields.DateTime(required=True, allow_none=True,
                                   metadata={"description": "First free slot in the next 30 days, if any"})


class ListingMatchSchema(_MatchFields):
    listing = fields.Nested(MatchedListingSchema, required=True, attribute="item")


class StartupMatchSchema(_MatchFields):
    startup = fields.Nested(MatchedStartupSchema, required=True, attribute="item")
    listing = fields.Nested(MatchedListingSchema, required=True, allow_none=True,
                            metadata={"description": "For a provider: its listing that fits the startup best"})


class RecommendationsSchema(Schema):
    mentors = fields.List(fields.Nested(MentorMatchSchema), required=True)
    listings = fields.List(fields.Nested(ListingMatchSchema), required=True)


class StartupMatchesSchema(Schema):
    startups = fields.List(fields.Nested(StartupMatchSchema), required=True)
