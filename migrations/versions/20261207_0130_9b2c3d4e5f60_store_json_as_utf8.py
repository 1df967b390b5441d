"""store json as utf8

JSON columns were written with non-ASCII characters escaped ("\\u68c0\\u6d4b" for 检测), which the databases' own
text functions (LIKE, full-text search) cannot read. The app now writes real UTF-8; this rewrites existing values.
The JSON values themselves do not change, so there is nothing to undo.

Revision ID: 9b2c3d4e5f60
Revises: 8a1b2c3d4e5f
Create Date: 2026-12-07 01:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9b2c3d4e5f60'
down_revision = '8a1b2c3d4e5f'
branch_labels = None
depends_on = None

JSON_COLUMNS = {
    "organisations": ["tags"],
    "listings": ["specs", "category_fields", "tags"],
    "mentor_profiles": ["tags", "sectors", "languages"],
    "notifications": ["data"],
    "roadshows": ["criteria"],
    "roadshow_stage_events": ["data"],
    "request_events": ["data"],
    "conversation_messages": ["data"],
}


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    for table, columns in JSON_COLUMNS.items():
        for column in columns:
            as_text = f"CAST({column} AS TEXT)" if postgres else column
            find = "strpos" if postgres else "instr"
            rows = bind.execute(sa.text(f"SELECT id, {as_text} FROM {table} WHERE {find}({as_text}, '\\u') > 0"))
            updates = [{"id": row_id, "value": json.dumps(json.loads(value), ensure_ascii=False)}
                       for row_id, value in rows]
            if updates:
                new_value = "CAST(:value AS JSON)" if postgres else ":value"
                bind.execute(sa.text(f"UPDATE {table} SET {column} = {new_value} WHERE id = :id"), updates)
    # The search index read the escaped text through the app, which decoded it: it needs no rebuild.


def downgrade():
    pass  # the same JSON values, merely written without escapes: the previous revision reads them as they are
