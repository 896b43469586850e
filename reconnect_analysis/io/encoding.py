"""Detect a text file's encoding and hand back UTF-8 bytes, never mojibake."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from reconnect_analysis.errors import InputError


@dataclass
class Decoded:
    """A file's bytes normalised to UTF-8 without a byte-order mark."""

    data: bytes
    encoding: str
    """``utf-8``, ``utf-8-sig`` (with BOM), ``utf-16``, ``cp1252`` or ``latin-1``."""
    fixes: list[str] = field(default_factory=list)


def to_utf8(raw: bytes, *, name: str, encoding: str | None = None) -> Decoded:
    """Return ``raw`` as UTF-8 bytes and say which encoding it was in.

    Parameters
    ----------
    raw
        The file's bytes.
    name
        The file name, for messages.
    encoding
        Force an encoding (from a mapping file); ``None`` detects it.

    Returns
    -------
    Decoded
        Strict UTF-8 is tried first (so UTF-8 text is never read as Windows-1252), then
        Windows-1252, then Latin-1 (which decodes any byte); the fallback is reported in
        ``fixes``.

    Raises
    ------
    InputError
        When a forced encoding does not fit the bytes.
    """
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as err:
            raise InputError(f"cannot be read as {encoding} ({err}); fix the encoding in the "
                             "mapping file or leave it out to detect it", file=name) from err
        if text.startswith("\ufeff"):
            text = text[1:]
        return Decoded(text.encode("utf-8"), encoding)
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8):]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(f"has a UTF-8 byte-order mark but invalid UTF-8 at byte "
                             f"{err.start + 3}; export it again as UTF-8", file=name) from err
        return Decoded(body, "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError("has a UTF-16 byte-order mark but cannot be decoded; export it "
                             "again as UTF-8", file=name) from err
        return Decoded(text.encode("utf-8"), "utf-16",
                       ["file was UTF-16; read as text and converted to UTF-8"])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    else:
        return Decoded(raw, "utf-8")
    for fallback, label in (("cp1252", "Windows-1252 (Western European)"),
                            ("latin-1", "Latin-1 (ISO-8859-1)")):
        try:
            text = raw.decode(fallback)
        except UnicodeDecodeError:
            continue
        return Decoded(text.encode("utf-8"), fallback,
                       [f"file is not UTF-8 (first non-UTF-8 byte at offset {first_bad}); "
                        f"read as {label}"])
    # Not reached: Latin-1 decodes every byte.
    raise InputError("unreadable text encoding", file=name)  # pragma: no cover
