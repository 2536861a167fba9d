"""The API's parsers: DRF's, with the limits a public endpoint needs.

- Bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answer 413. Django checks the declared length
  when DRF reads ``request.body``; the JSON parser checks the bytes too, for a server that
  hands on a body without a Content-Length.
- Bytes that are not UTF-8 answer 400 (Django's form decoding would swap them for U+FFFD).
- JSON nested deeper than ``API_MAX_JSON_DEPTH`` answers 400, never a RecursionError.
- JSON strings with a NUL character, which PostgreSQL cannot store in text, or with a lone
  UTF-16 surrogate (``"\\ud800"``), which is not text at all, answer 400 naming the field as
  DRF's own errors do (``{"paragraphs": {"3": [...]}}``), also in bodies no serializer reads.
"""

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any
from urllib.parse import parse_qsl

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.utils.json import strict_constant


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def body_too_large() -> str:
    """Say how large a body may be, and what to do with a larger one."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        f"This request body is too large: JSON bodies and form fields are limited to "
        f"{limit:,} bytes. Send a large import as a file (multipart/form-data)."
    )


class LimitedJSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """Parse the body as JSON within the limits, or raise a 4xx naming what is wrong."""
        parser_context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # One byte past the limit tells a body over it.
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(body_too_large())
        # get_encoding() is newer than the stubs.
        text = _decoded(raw, parsers.get_encoding(parser_context))  # type: ignore[attr-defined]
        try:
            data = json.loads(text, parse_constant=strict_constant)
        except RecursionError:
            raise ParseError(_too_deep()) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_json_data(data)
        return data


class StrictFormParser(parsers.FormParser):
    """DRF's form parser, refusing bytes that are not in the body's encoding."""

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        # get_encoding() is newer than the stubs.
        encoding: str = parsers.get_encoding(parser_context)  # type: ignore[attr-defined]
        raw = stream.read() if stream is not None else b""
        text = _decoded(raw, encoding)
        try:
            parse_qsl(text, keep_blank_values=True, encoding=encoding, errors="strict")
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"A form field is not valid {encoding.upper()} once its %-escapes are decoded "
                f"({exc.reason}); send the text as UTF-8."
            ) from None
        # FormParser.parse() only calls read(), which is all _Bytes has; the stubs ask for IO.
        return super().parse(_Bytes(raw), media_type, parser_context)  # type: ignore[arg-type]


class _Bytes:
    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def read(self) -> bytes:
        return self.raw


def _decoded(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"The body is not valid {encoding.upper()} (byte {exc.start} cannot be decoded); "
            "send it as UTF-8 text."
        ) from None


def _too_deep() -> str:
    return (
        f"The JSON is nested more than {settings.API_MAX_JSON_DEPTH} levels deep; "
        "no request of this API needs that."
    )


Path = tuple[str, ...]


def _walk(data: Any) -> Iterator[tuple[Path, Any, int]]:
    """Yield every value and key with its path (``("tags", "2", "note")``) and depth.

    Iterative, so no nesting overflows Python's stack.
    """
    stack: list[tuple[Path, Any, int]] = [((), data, 0)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key), key, depth + 1
                stack.append(((*path, key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend(((*path, str(i)), item, depth + 1) for i, item in enumerate(value))


def _problems(text: str) -> list[str]:
    if text.isascii() and "\x00" not in text:
        return []
    problems = []
    if "\x00" in text:
        # DRF's own wording (its CharField says the same), so every path reads alike.
        problems.append("Null characters are not allowed.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(
            "Lone UTF-16 surrogates (such as \\ud800) are not text; send the pair, or the "
            "character itself."
        )
    return problems


def check_json_data(data: Any) -> None:
    """Refuse nesting past ``API_MAX_JSON_DEPTH`` and strings no database column can hold."""
    max_depth = settings.API_MAX_JSON_DEPTH
    errors: dict[str, Any] = {}
    for path, value, depth in _walk(data):
        if depth >= max_depth:  # depth 0 is the first level
            raise ParseError(_too_deep())
        problems = _problems(value) if isinstance(value, str) else []
        if not problems:
            continue
        node = errors
        *parents, leaf = path or ("non_field_errors",)
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):  # a key and its value both bad: report the key
                break
        else:
            node.setdefault(leaf, []).extend(problems)
    if errors:
        raise ValidationError(errors)


def check_json_file(text: str, field: str) -> None:
    """Refuse an uploaded JSON file with strings no database column can hold.

    The errors name the field and the places in the file (``tags.3.quote``); a file that is
    not JSON at all is left to the importer, which says so in its own words.
    """
    if "\\u" not in text:
        return  # NULs and surrogates in JSON text can only come as \u escapes once decoded
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return
    found = [
        f"{problem[:-1]} (at {'.'.join(path) or 'the top level'})."
        for path, value, _depth in _walk(data)
        if isinstance(value, str)
        for problem in _problems(value)
    ]
    if found:
        raise ValidationError({field: found[:10]})
