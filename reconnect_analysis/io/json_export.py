"""JSON and JSON Lines exports, read so that nothing is overwritten or retyped.

Pitfalls handled: ``json`` keeps the last of two equal keys (a ``self_harm_thoughts: true``
followed by ``false`` would vanish), ``NaN``/``Infinity`` literals that are not JSON, a single
object instead of a list, and ``"00123"`` ids (kept as text: nothing here converts types).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.cells import records_frame, to_text
from reconnect_analysis.io.encoding import to_utf8
from reconnect_analysis.io.fields import TABLES, field_info
from reconnect_analysis.io.raw import READER_PROBLEM

_NEGATIVE_TEXT = {"", "false", "no", "0", "0.0", "n", "none", "null", "nan", "never"}


class _Object(dict):
    """A JSON object that remembers which keys it repeated."""

    duplicate_keys: tuple[str, ...] = ()


def _is_negative(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    return isinstance(value, str) and value.strip().lower() in _NEGATIVE_TEXT


def _riskiest(values: list[Any]) -> Any:
    """The value to keep among duplicates of a risk key: a positive (or unreadable) answer
    beats a negative one; among numbers the highest wins."""
    candidates = [v for v in values if not _is_negative(v)]
    if not candidates:
        return values[-1]
    numbers = [v for v in candidates if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == len(candidates):
        return max(numbers)
    return next(v for v in candidates if not isinstance(v, (int, float)) or isinstance(v, bool))


def _hook(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    seen: dict[str, list[Any]] = {}
    for key, value in pairs:
        seen.setdefault(key, []).append(value)
    risk = field_info().risk
    duplicates = []
    for key, values in seen.items():
        if len(values) == 1:
            obj[key] = values[0]
            continue
        duplicates.append(key)
        obj[key] = _riskiest(values) if key in risk else values[0]
    obj.duplicate_keys = tuple(duplicates)
    return obj


class _Constants:
    """Keeps NaN / Infinity literals as their text and counts them."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, literal: str) -> str:
        self.count += 1
        return literal


def _loads(text: str, constants: _Constants) -> Any:
    return json.loads(text, object_pairs_hook=_hook, parse_constant=constants)


def _split_tables(doc: Any, *, name: str, fixes: list[str]) -> dict[str, list[Any]]:
    if isinstance(doc, list):
        return {"entries": doc}
    if isinstance(doc, dict):
        tables = {k: v for k, v in doc.items() if k in TABLES}
        if tables:
            for key, value in tables.items():
                if not isinstance(value, list):
                    raise InputError(f'"{key}" must be a list of objects, found '
                                     f"{type(value).__name__}", file=name, column=key)
            others = [k for k in doc if k not in TABLES]
            if others:
                fixes.append(f"{name}: top-level keys ignored: {', '.join(others[:10])}")
            if "entries" not in tables:
                raise InputError('no "entries" list; expected {"entries": [...], '
                                 '"events": [...], "weekly_screen": [...]}', file=name)
            return tables
        if "client_id" in doc:
            fixes.append(f"{name}: a single object instead of a list, read as one entry")
            return {"entries": [doc]}
    raise InputError("expected a list of objects, or an object with an \"entries\" list; "
                     f"found {type(doc).__name__}", file=name)


def _table(records: list[Any], rows: list[int], *, name: str,
           warnings: list[str]) -> pd.DataFrame:
    columns: dict[str, None] = {}
    texts, problems = [], []
    n_dup = n_bad = 0
    for record in records:
        if not isinstance(record, dict):
            texts.append({})
            problems.append("unparseable")
            n_bad += 1
            continue
        for key in record:
            columns.setdefault(key, None)
        texts.append({k: to_text(v) for k, v in record.items()})
        dup = getattr(record, "duplicate_keys", ())
        problems.append("duplicate_key" if dup else "")
        n_dup += bool(dup)
    if n_dup:
        warnings.append(f"{name}: {n_dup} record(s) repeat a key; kept aside for review (a "
                        "repeated risk answer keeps its positive value)")
    if n_bad:
        warnings.append(f"{name}: {n_bad} element(s) are not objects; kept aside for review")
    return records_frame(texts, columns=list(columns), name=name, rows=rows, problems=problems)


def read_json_tables(raw: bytes, *, name: str, lines: bool) -> dict:
    """Read a JSON (or JSON Lines) export into ``{table: (frame, encoding, fixes, warnings)}``.

    Parameters
    ----------
    raw
        The file's bytes.
    name
        File name for ``source_file`` and messages.
    lines
        JSON Lines: one object per line; ``source_row`` is the line number. Otherwise
        ``source_row`` is the record's 1-based position in its list.

    Returns
    -------
    dict
        Each cell as text (numbers as written by ``repr``, booleans ``true``/``false``,
        ``null`` as ""). ``_reader_problem`` is ``duplicate_key`` for an object that repeats a
        key, ``unparseable`` for a list element that is not an object or a JSON Lines line
        that is not JSON (``truncated`` when that line is the last and the file does not end
        with a line break).

    Raises
    ------
    InputError
        Empty file, a JSON document that cannot be parsed (with line and column), or a
        top-level value that is neither a list nor an object holding lists.
    """
    if not raw.strip():
        raise InputError("empty file (no records); export it again", file=name)
    decoded = to_utf8(raw, name=name)
    text = decoded.data.decode("utf-8")
    fixes = list(decoded.fixes)
    warnings: list[str] = []
    constants = _Constants()
    if lines:
        records, rows = [], []
        broken_last = False
        all_lines = text.split("\n")
        for number, line in enumerate(all_lines, start=1):
            if not line.strip():
                continue
            try:
                records.append(_loads(line, constants))
            except json.JSONDecodeError:
                records.append(None)
                broken_last = number == len(all_lines)
            rows.append(number)
        frames = {"entries": _table(records, rows, name=name, warnings=warnings)}
        if broken_last:
            frames["entries"].loc[len(records) - 1, READER_PROBLEM] = "truncated"
    else:
        try:
            doc = _loads(text, constants)
        except json.JSONDecodeError as err:
            raise InputError(f"is not valid JSON ({err.msg} at line {err.lineno}, column "
                             f"{err.colno}); fix the file or export it again", file=name,
                             row=err.lineno) from err
        tables = _split_tables(doc, name=name, fixes=fixes)
        frames = {t: _table(recs, list(range(1, len(recs) + 1)), name=name, warnings=warnings)
                  for t, recs in tables.items()}
    if constants.count:
        warnings.append(f"{name}: {constants.count} NaN/Infinity literal(s) (not valid JSON) "
                        "kept as text for review")
    return {t: (frame, decoded.encoding, fixes if t == "entries" else [],
                warnings if t == "entries" else [])
            for t, frame in frames.items()}
