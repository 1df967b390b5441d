"""The Fuhua application factory."""
import logging

from flask import Flask

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the app: config, extensions, error handlers, blueprints, socket handlers, CLI."""
    config_class = config_class or config_from_env()
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=False)
    app.config.from_object(config_class)
    config_class.init_app(app)
    trust_proxies(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from app import models  # noqa: F401  (all tables known before anything uses the metadata)

    _init_extensions(app)
    _register_blueprints(app)
    _init_search(app)
    _init_video(app)
    _register_socket_handlers(app)
    _register_cli(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies, take the client address and scheme from X-Forwarded-*."""
    count = app.config.get("PROXY_COUNT") or 0
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _init_extensions(app: Flask) -> None:
    from app.core import i18n, security
    from app.core.errors import register_error_handlers
    from app.extensions import api, babel, csrf, db, limiter, login_manager, migrate, socketio

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from app.core.db import configure_sqlite
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    limiter.init_app(app)
    api.init_app(app)
    register_error_handlers(app)
    security.init_security(app)
    i18n.init_templates(app)
    i18n.init_forms()

    from app.core import transport
    queue = app.config.get("REDIS_URL") if app.config.get("SOCKETIO_MESSAGE_QUEUE", True) else None
    tuned = transport.tuning_enabled(app)
    socketio.init_app(app, async_mode=app.config["SOCKETIO_ASYNC_MODE"], message_queue=queue,
                      cors_allowed_origins=_socket_origins(app),
                      ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
                      ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
                      manage_session=True, async_handlers=app.config["SOCKETIO_ASYNC_HANDLERS"],
                      **(transport.client_manager(queue) if tuned else {}))
    if tuned:
        transport.install(app)

    from app.accounts import auth
    auth.init_login(app)


def _socket_origins(app: Flask) -> list[str] | None:
    """Origins allowed to open sockets: same-origin only (proxy headers honoured), plus any listed."""
    extra = app.config.get("SOCKETIO_CORS_ORIGINS")
    return [o.strip() for o in extra.split(",") if o.strip()] if extra else None


def _init_search(app: Flask) -> None:
    """Each domain's searchable items (importing its search module registers them); the highlighting helpers."""
    from app.mentoring import search as _mentors  # noqa: F401
    from app.providers import search as _listings  # noqa: F401
    from app.roadshows import search as _roadshows  # noqa: F401
    from app.search.highlight import highlight, matched_words
    from app.startups import search as _startups  # noqa: F401

    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals["matched_words"] = matched_words


def _init_video(app: Flask) -> None:
    from app.video import services as video
    video.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.api import blp as accounts_api
    from app.accounts.organisations_api import blp as organisations_api
    from app.accounts.organisations_views import bp as organisations_views
    from app.accounts.views import bp as accounts_views
    from app.admin.api import blp as admin_api
    from app.admin.views import bp as admin_views
    from app.conversations.api import blp as conversations_api
    from app.conversations.views import bp as conversations_views
    from app.core.docs import bp as docs_views
    from app.core.views import bp as main_views
    from app.extensions import api
    from app.marketplace.api import blp as marketplace_api
    from app.marketplace.operators_api import blp as operators_api
    from app.marketplace.operators_views import bp as operators_views
    from app.marketplace.views import bp as marketplace_views
    from app.matching.api import blp as matching_api
    from app.matching.views import bp as matching_views
    from app.mentoring.api import blp as mentoring_api
    from app.mentoring.open_days_api import blp as open_days_api
    from app.mentoring.programme_views import bp as programme_views
    from app.mentoring.views import bp as mentoring_views
    from app.notifications.api import blp as notifications_api
    from app.notifications.views import bp as notifications_views
    from app.providers.api import blp as providers_api
    from app.providers.views import bp as providers_views
    from app.roadshows.api import blp as roadshows_api
    from app.roadshows.views import bp as roadshows_views
    from app.startups.api import blp as startups_api
    from app.startups.views import bp as startups_views
    from app.statistics.api import blp as statistics_api
    from app.statistics.views import bp as statistics_views
    from app.video.api import blp as video_api
    from app.video.views import bp as video_views

    for bp in (main_views, accounts_views, startups_views, providers_views, notifications_views, admin_views,
               docs_views, organisations_views, mentoring_views, marketplace_views, roadshows_views,
               statistics_views,
               conversations_views,
               matching_views,
               video_views,
               programme_views,
               operators_views,
               ):
        app.register_blueprint(bp)
    for blp in (accounts_api, startups_api, providers_api, notifications_api, admin_api, organisations_api,
                mentoring_api, marketplace_api, roadshows_api,
                statistics_api,
                conversations_api,
                matching_api,
                video_api,
                open_days_api,
                operators_api,
                ):
        api.register_blueprint(blp)


def _register_socket_handlers(app: Flask) -> None:
    from app.accounts import events as account_events  # noqa: F401  (connect/disconnect)
    from app.core.realtime import register_socket_error_handler, register_unknown_event_handler
    from app.marketplace import events as marketplace_events  # noqa: F401
    from app.mentoring import events as mentoring_events  # noqa: F401
    from app.roadshows.live import events as roadshow_events
    from app.roadshows.live import state as live_state

    register_socket_error_handler()
    register_unknown_event_handler()
    roadshow_events.register_fast_handlers()
    live_state.init_app(app)


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import register as register_accounts_cli
    from app.core.jobs import register as register_jobs_cli
    from app.core.seed import register as register_seed_cli
    from app.search.cli import register as register_search_cli
    from app.video.cli import register as register_video_cli

    register_accounts_cli(app)
    register_seed_cli(app)
    register_jobs_cli(app)
    register_search_cli(app)
    register_video_cli(app)
