"""Input and output schemas for notifications."""
from marshmallow import Schema, fields

from app.core.pagination import PageArgsSchema


class NotificationListArgsSchema(PageArgsSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only unread notifications"})


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "What happened, e.g. invitation_received"})
    text = fields.Method("get_text", required=True,
                         metadata={"type": "string", "description": "One line, in your language"})
    data = fields.Dict(required=True, metadata={"description": "The values the text is made from"})
    url = fields.Method("get_url", required=True, allow_none=True,
                        metadata={"type": "string", "description": "Where it leads: a site path or an http(s) link"})
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(required=True, allow_none=True)

    def get_text(self, note) -> str:
        from app.notifications.services import text_of
        return text_of(note)

    def get_url(self, note) -> str | None:
        from app.notifications.services import safe_url
        return safe_url(note.url)


class UnreadCountSchema(Schema):
    unread_count = fields.Integer(required=True)


class ReadAllResultSchema(Schema):
    marked = fields.Integer(required=True, metadata={"description": "How many were unread"})
    unread_count = fields.Integer(required=True)


notification_schema = NotificationSchema()
