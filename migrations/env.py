import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Render our UTCDateTime as the plain DateTime(timezone=True) it stores as."""
    from app.core.db import UTCDateTime
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("render_item", render_item)

    # A migration that changes what the search index holds says FILLS_SEARCH_INDEX = True; the index is then
    # filled once the schema is at the head, by the app's analysis (app/search/), which reads the tables as the
    # models of this code describe them: it cannot run in the middle of older migrations.
    fill_index = []

    def on_version_apply(ctx, step, heads, run_args):
        if step.is_upgrade and getattr(step.up_revision.module, "FILLS_SEARCH_INDEX", False):
            fill_index.append(step.up_revision.revision)

    conf_args.setdefault("on_version_apply", on_version_apply)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        try:
            with context.begin_transaction():
                context.run_migrations()
                if fill_index:
                    _fill_search_index(connection, fill_index)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, *, on: bool) -> None:
    """SQLite changes a table by copying it and dropping the original (Alembic's batch mode); with foreign keys
    on, that DROP deletes, or cascades to, every row that refers to the table. So they are off while migrating
    (as SQLite's own procedure for schema changes says, before any transaction starts), and afterwards the
    migrations must not have left a row referring to nothing that did not already before."""
    raw = connection.connection.driver_connection  # not through SQLAlchemy, which would BEGIN first
    if not on:
        raw.execute("PRAGMA foreign_keys=OFF")
        if raw.execute("PRAGMA foreign_keys").fetchone()[0]:
            raise RuntimeError("SQLite's foreign keys could not be switched off before migrating")
        connection.info["fuhua_broken_before"] = set(raw.execute("PRAGMA foreign_key_check").fetchall())
        return
    connection.commit()
    broken = set(raw.execute("PRAGMA foreign_key_check").fetchall()) - connection.info.pop("fuhua_broken_before",
                                                                                            set())
    raw.execute("PRAGMA foreign_keys=ON")
    if broken:
        raise RuntimeError("the migrations left rows that refer to nothing (table, rowid, parent, fk): "
                           f"{sorted(broken)[:20]}")


def _fill_search_index(connection, revisions):
    at_head = set(context.get_context().get_current_heads()) == set(context.script.get_heads())
    if not at_head:
        logger.warning("%s changed the search index; run `flask search reindex` once at the head", revisions)
        return
    from app.search.index import reindex
    reindex(connection)
    logger.info("Filled the search index (asked by %s).", ", ".join(revisions))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
