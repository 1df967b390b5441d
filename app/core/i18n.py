"""Language and time zone choice, and the template helpers that show times in the user's zone."""
from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel import dates as babel_dates
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from app.core.places import city_label
from app.core.units import unit_label

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


# Named forms of a date and time, in the locale's own order, never with seconds:
#   short   12/7/26, 2:00 PM            2026/12/7 14:00
#   medium  Dec 7, 2026, 2:00 PM        2026年12月7日 14:00
#   long    Mon, Dec 7, 2026, 2:00 PM   2026年12月7日周一 14:00
#   full    long, and the zone named    2026年12月7日周一 14:00 中国标准时间
#   day_time  Mon, Dec 7, 2:00 PM       12月7日周一 14:00
#   day       Mon, Dec 7                12月7日周一
_DATE_SKELETONS = {"short": None, "medium": None, "long": "yMMMEd", "full": "yMMMEd", "day_time": "MMMEd",
                   "day": "MMMEd"}


def format_when(value: datetime | date, fmt: str = "medium", *, tzinfo=None, locale=None) -> str:
    """A date or an aware datetime in `tzinfo` (default: the viewer's zone) and `locale` (default: the viewer's).

    `fmt` is one of the named forms above; anything else is a Babel pattern, used as it is.
    """
    locale = Locale.parse(locale or get_locale() or "en")
    tzinfo = tzinfo or get_timezone()
    if fmt not in _DATE_SKELETONS:
        return babel_dates.format_datetime(value, fmt, tzinfo=tzinfo, locale=locale)
    if isinstance(value, datetime):
        value = value.astimezone(tzinfo)
    skeleton = _DATE_SKELETONS[fmt]
    day = (babel_dates.format_skeleton(skeleton, value, locale=locale) if skeleton
           else babel_dates.format_date(value, fmt, locale=locale))
    if fmt == "day" or not isinstance(value, datetime):
        return day
    time = babel_dates.format_time(value, "short", locale=locale)
    if fmt == "full":
        time += " " + babel_dates.get_timezone_name(value, "long", locale=locale)
    pattern = locale.datetime_formats.get("medium" if fmt in ("day_time", "full", "long") else fmt, "{1} {0}")
    return str(pattern).replace("'", "").format(time, day)


def local_datetime(value: datetime | date | None, fmt: str = "medium") -> str:
    """A UTC datetime shown in the viewer's zone and language (see `format_when` for the forms)."""
    if value is None:
        return ""
    return format_when(value, fmt)


def format_duration(minutes: int | float | None) -> str:
    """A length of time in the reader's language: "30 min", "1 h 30 min" · "30 分钟", "1 小时 30 分钟"."""
    if minutes is None:
        return ""
    total = max(0, int(round(minutes)))
    hours, rest = divmod(total, 60)
    if not hours:
        return _("%(n)d min", n=rest)
    if not rest:
        return _("%(h)d h", h=hours)
    return _("%(h)d h %(m)d min", h=hours, m=rest)


def local_iso(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(str(get_timezone()))).isoformat()


def init_templates(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["localdt"] = local_datetime
    app.jinja_env.filters["city"] = city_label
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["unit"] = unit_label
    app.jinja_env.filters["localiso"] = local_iso
    app.jinja_env.globals.update(current_language=current_language, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 HTML_LANG=HTML_LANG, current_timezone=lambda: str(get_timezone()))


class FormTranslations:
    """WTForms' own messages in the reader's language: our catalogue first, for the few that WTForms' Chinese
    catalogue leaves fuzzy or empty ("'x' is not a valid choice for this field."), then WTForms' catalogue."""

    def gettext(self, string: str) -> str:
        from flask_babel import get_translations
        from flask_wtf.i18n import translations as wtforms_translations
        ours = get_translations().ugettext(string) if has_request_context() else string
        return ours if ours != string else wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        from flask_babel import get_translations
        from flask_wtf.i18n import translations as wtforms_translations
        ours = get_translations().ungettext(singular, plural, n) if has_request_context() else singular
        return ours if ours not in (singular, plural) else wtforms_translations.ngettext(singular, plural, n)


FORM_TRANSLATIONS = FormTranslations()


def init_forms() -> None:
    """Every FlaskForm (and sub-form) translates WTForms' messages through FORM_TRANSLATIONS."""
    from flask_wtf import FlaskForm
    FlaskForm.Meta.get_translations = lambda meta, form: FORM_TRANSLATIONS
