"""Input no use case should ever see: oversized or deeply nested JSON, NUL bytes and lone surrogates.

Checked once per request, before any view: PostgreSQL refuses NUL in text and psycopg cannot encode a
lone surrogate, so either reached the database as a 500; JSON nested a thousand deep overflowed the
stack in the parser or in the schemas. Numbers given to whole-number fields as fractions (1.5) are
refused by `FuhuaParser` instead of being cut down to 1.
"""
import functools
import json
import re

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from marshmallow import fields
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from app.core.errors import AppError, Invalid

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class TooLarge(AppError):
    status_code, code = 413, "too_large"
    default_message = _l("The request is too large.")


class TooDeep(AppError):
    status_code, code = 400, "too_deep"
    default_message = _l("The JSON body is nested too deeply.")


def _bad_text() -> str:
    return str(_l("Remove NUL characters and unpaired surrogates from this text."))


def _walk(value, max_depth: int) -> str | None:
    """The path of the first string holding a NUL or a lone surrogate, "" for a too deep value, else None."""
    stack = [(value, 1, "")]
    while stack:
        item, depth, path = stack.pop()
        if depth > max_depth:
            return ""
        if isinstance(item, str):
            if FORBIDDEN.search(item):
                return path or "_schema"
        elif isinstance(item, dict):
            for key, child in item.items():
                if FORBIDDEN.search(key):
                    return path or "_schema"
                stack.append((child, depth + 1, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            stack.extend((child, depth + 1, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    return None


def _check_json() -> None:
    limit = current_app.config["MAX_JSON_BYTES"]
    if (request.content_length or 0) > limit:
        raise TooLarge()
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise TooLarge()
    try:
        body = json.loads(raw)
    except RecursionError as error:
        raise TooDeep() from error
    except ValueError:
        return  # malformed JSON: the schema's parser answers 400 malformed_json
    where = _walk(body, current_app.config["MAX_JSON_DEPTH"])
    if where == "":
        raise TooDeep()
    if where is not None:
        raise Invalid(details={where: [_bad_text()]})


def _check_text(values) -> None:
    for key, value in values:
        if isinstance(value, str) and (FORBIDDEN.search(value) or FORBIDDEN.search(str(key))):
            raise Invalid(details={str(key): [_bad_text()]}, code="validation_error")


def check_payload(*args) -> None:
    """Refuse a socket event's data holding a NUL or a lone surrogate (Invalid, naming the field), or nested
    deeper than MAX_JSON_DEPTH: the socket twin of `check_request`, called before the payload is loaded."""
    where = _walk(list(args) if len(args) != 1 else args[0], current_app.config["MAX_JSON_DEPTH"])
    if where == "":
        raise Invalid(details={"_schema": [str(TooDeep.default_message)]})
    if where is not None:
        raise Invalid(details={where: [_bad_text()]})


def checked_payload(handler):
    """Decorate a socket handler so that hostile data gets a `validation_error` ack before the handler runs."""
    @functools.wraps(handler)
    def wrapper(*args):
        check_payload(*args)
        return handler(*args)
    return wrapper


def check_request() -> None:
    """before_request: refuse hostile input with a 4xx before any view or query sees it."""
    _check_text((request.view_args or {}).items())
    _check_text(request.args.items(multi=True))
    if request.method not in BODY_METHODS:
        return
    if request.is_json:
        _check_json()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_text(request.form.items(multi=True))


def _fractions(field, value) -> list | dict | None:
    """Field errors for whole-number fields given a fraction, down through nested schemas and lists."""
    if isinstance(field, fields.Integer):
        if isinstance(value, float) and not value.is_integer():
            return [str(_l("Send a whole number."))]
    elif isinstance(field, fields.Nested) and value is not None:
        schema = field.schema
        if (field.many or schema.many) and isinstance(value, list):
            errors = {i: e for i, item in enumerate(value) if (e := _schema_fractions(schema, item))}
            return errors or None
        return _schema_fractions(schema, value) or None
    elif isinstance(field, fields.List) and isinstance(value, list):
        errors = {i: e for i, item in enumerate(value) if (e := _fractions(field.inner, item))}
        return errors or None
    return None


def _schema_fractions(schema, data) -> dict:
    if not isinstance(data, dict):
        return {}
    errors = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        if key in data and not field.dump_only:
            problem = _fractions(field, data[key])
            if problem:
                errors[key] = problem
    return errors


class FuhuaParser(FlaskParser):
    """webargs' Flask parser, refusing fractions where a schema wants a whole number (marshmallow's
    Integer would silently load 1.5 as 1)."""

    __location_map__ = dict(FlaskParser.__location_map__, multipart="load_multipart")

    def load_multipart(self, req, schema):
        """A multipart/form-data body: its text fields and its files, read by one schema (so the OpenAPI spec
        documents them as one `requestBody`, which is all OpenAPI 3 allows)."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)

    def pre_load(self, location_data, *, schema, req, location):
        errors = _schema_fractions(schema, location_data) if location == "json" else {}
        if errors:
            raise Invalid(details=errors)
        return location_data
