"""marshmallow's validation messages in the reader's language.

marshmallow formats its messages in English ("Longer than maximum length 200.") before we see them. Each of its
message templates (read from the public `default_error_messages` of its fields and the `message_*` /
`default_message` of its validators) becomes a pattern; a message that matches one is re-built from the
translated template (our catalogue has each template as a msgid), its values kept. Anything else, our own
messages included (translated where they are raised), passes through unchanged.

    translate_messages({"price": ["Not a valid number."]})   # in Chinese: {"price": ["不是有效的数字。"]}
"""
from __future__ import annotations

import inspect
import re
from functools import lru_cache

from flask_babel import gettext
from marshmallow import fields, validate

_PLACEHOLDER = re.compile(r"\{(\w*)\}")
# Words marshmallow puts into its templates ("Not a valid naive datetime."), translated too.
_WORDS = frozenset({"datetime", "date", "time", "naive", "aware"})


def library_templates() -> list[str]:
    """Every message template marshmallow's fields and validators may produce, as the library spells it."""
    templates: set[str] = {"Unknown field.", "Invalid input type."}
    for _name, cls in inspect.getmembers(fields, inspect.isclass):
        if issubclass(cls, fields.Field):
            templates.update(m for m in getattr(cls, "default_error_messages", {}).values() if isinstance(m, str))
    for _name, cls in inspect.getmembers(validate, inspect.isclass):
        if not issubclass(cls, validate.Validator):
            continue
        for attr in ("default_message", "message_min", "message_max", "message_all", "message_equal"):
            value = getattr(cls, attr, None)
            if isinstance(value, str):
                templates.add(value)
    # Range builds its messages from two parts: "Must be {min_op} {{min}}." with "greater than or equal to"…
    for template in [t for t in templates if "_op}" in t]:
        templates.discard(template)
        r = validate.Range
        for low in (r.message_gte, r.message_gt):
            for high in (r.message_lte, r.message_lt):
                templates.add(template.format(min_op=low, max_op=high))
    return sorted(templates)


def _pattern(template: str) -> re.Pattern:
    parts, last, names = [], 0, []
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last:match.start()]))
        name = match.group(1) or f"_{len(names)}"
        names.append(name)
        parts.append(f"(?P<{name}>.+?)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    plain, patterned = {}, []
    for template in library_templates():
        if _PLACEHOLDER.search(template):
            patterned.append((_pattern(template), template))
        else:
            plain[template] = template
    # the most specific (longest literal text) first: "Must be greater than or equal to {min} and …" before "{min}."
    patterned.sort(key=lambda pt: -len(_PLACEHOLDER.sub("", pt[1])))
    return plain, patterned


def translate_message(message: str) -> str:
    """One message in the current language, when it is one of marshmallow's."""
    plain, patterned = _patterns()
    if message in plain:
        return gettext(message)
    for pattern, template in patterned:
        match = pattern.match(message)
        if match:
            values = {k: gettext(v) if v in _WORDS else v for k, v in match.groupdict().items()}
            translated = gettext(template)
            positional = [values.pop(k) for k in sorted(k for k in list(values) if k.startswith("_"))]
            return translated.format(*positional, **values)
    return message


def translate_messages(messages):
    """Field errors as marshmallow gives them (dicts and lists of strings, nested), in the current language."""
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_messages(value) for value in messages]
    if isinstance(messages, str):
        return translate_message(messages)
    return messages
