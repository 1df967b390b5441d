"""Language and time zone choice, and the template helpers that show times in the user's zone."""
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale, get_timezone
from flask_login import current_user

LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}
HTML_LANG = {"en": "en", "zh": "zh-CN"}


def select_locale() -> str:
    """The user's setting, else the switcher's choice in the session, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if current_user and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return session.get("tz") or current_app.config["DEFAULT_USER_TIMEZONE"]


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def is_valid_timezone(name: str) -> bool:
    return name in _timezones()


_TZ_CACHE: list[str] = []


def _timezones() -> list[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.extend(sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/")))
        _TZ_CACHE.append("UTC")
    return _TZ_CACHE


def timezone_choices() -> list[str]:
    return list(_timezones())


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """A UTC datetime shown in the viewer's zone and language."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def local_iso(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(str(get_timezone()))).isoformat()


def init_templates(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["localdt"] = local_datetime
    app.jinja_env.filters["localiso"] = local_iso
    app.jinja_env.globals.update(current_language=current_language, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 HTML_LANG=HTML_LANG, current_timezone=lambda: str(get_timezone()))
