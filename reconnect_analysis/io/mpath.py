"""m-Path experience-sampling exports (data file plus meta-data file, export version 1.1).

The format, as exported by the m-Path platform and read by its reference R reader
(``mpathr::read_mpath``): semicolon-separated UTF-8 with a byte-order mark; one row per beep
(a questionnaire sent to a participant); text answers stored as JSON strings, which the CSV
quoting turns into tripled quotes (three quote characters around ``Male``); list answers
as comma-separated JSON values; trailing empty answers left out of a row; Unix timestamps
in seconds (``timeStampSent``, ``timeStampStart``, ``timeStampStop``) with
``timeZoneOffset`` in seconds east of UTC; a beep that was never opened has no
``timeStampStart``. Column names end in the question type (``_sliderNegPos``,
``_multipleChoice_index``, ``_yesno``, ``_open`` ...). The meta-data file lists every
question column with its full question (HTML: untrusted text, never rendered), question
type, answer type and whether each of those changed during the study
(``fullQuestion_mixed``, ``typeQuestion_mixed``, ``typeAnswer_mixed``).

What this reader hands on (before a mapping gives the items a meaning):

* ``entries``: one row per *answered* beep, every column as text; JSON strings decoded
  (``"Male"`` -> ``Male``), list answers joined with ``|``; decimal commas of ``double``
  answers turned into points; plus ``source_file``, ``source_row``, ``_reader_problem``.
* ``prompts``: per participant and local day (the day the beep was *sent*: UTC time plus
  ``timeZoneOffset``), ``prompts_sent`` and ``prompts_answered``. Unanswered beeps are
  counted here and only here (they hold no answers), and the count is stated in ``fixes``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from reconnect_analysis.errors import InputError
from reconnect_analysis.io.csv_core import SOURCE_FILE, SOURCE_ROW, parse_csv
from reconnect_analysis.io.native import read_bytes
from reconnect_analysis.io.raw import READER_PROBLEM, RawExport

_HEAD_BYTES = 4096
CORE_COLUMNS = ("connectionId", "questionListName", "timeStampSent", "timeStampStart",
                "timeZoneOffset")
"""Data-file columns the reader needs."""
META_COLUMNS = ("columnName", "fullQuestion", "typeQuestion", "typeAnswer",
                "fullQuestion_mixed", "typeQuestion_mixed", "typeAnswer_mixed")
"""Meta-data columns of export version 1.1."""
NOT_IN_META = ("connectionId", "legacyCode", "code", "alias", "initials", "accountCode",
               "scheduledBeepId", "sentBeepId", "reminderForOriginalSentBeepId",
               "questionListName", "questionListLabel", "fromProtocolName",
               "timeStampScheduled", "timeStampSent", "timeStampStart", "timeStampStop",
               "originalTimeStampSent", "timeZoneOffset", "deltaUTC")
"""Bookkeeping columns of every m-Path data export (not described in the meta-data file)."""
_RESAVED = ("It looks re-saved by a spreadsheet program, which breaks the m-Path format; "
            "download the export from the m-Path website again and use it unopened")
_CHANGED = {"fullQuestion_mixed": "question text", "typeQuestion_mixed": "question type",
            "typeAnswer_mixed": "answer type"}
_INTEGER = re.compile(r"-?\d+")


def _head(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return ""
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def looks_like_mpath(path: Path) -> bool:
    """Whether a CSV file is an m-Path data export (also when a spreadsheet damaged it)."""
    first = _head(path).split("\n", 1)[0]
    return "connectionId" in first and "timeStampSent" in first


def looks_like_meta(path: Path) -> bool:
    """Whether a CSV file is an m-Path meta-data export (header starts with columnName)."""
    first = _head(path).split("\n", 1)[0].lstrip('"')
    return first.startswith("columnName") and "fullQuestion" in first


def find_meta(data_path: Path) -> Path | None:
    """The meta-data file beside an m-Path data file, when there is exactly one."""
    candidates = [p for p in sorted(data_path.parent.glob("*.csv"))
                  if p != data_path and looks_like_meta(p)]
    if len(candidates) == 1:
        return candidates[0]
    stem = data_path.stem.rsplit("_", 1)[0]
    named = [p for p in candidates if p.stem.startswith(stem)]
    return named[0] if len(named) == 1 else None


def find_mpath_pair(folder: Path) -> tuple[Path, Path] | None:
    """``(data, meta)`` when a folder holds one m-Path data file and its meta-data file."""
    data = [p for p in sorted(folder.glob("*.csv")) if looks_like_mpath(p)]
    if len(data) != 1:
        return None
    meta = find_meta(data[0])
    return (data[0], meta) if meta is not None else None


def _check_structure(raw: bytes, *, name: str, kind: str) -> None:
    """Refuse a file whose first line shows it was re-saved by a spreadsheet program."""
    text = raw[:_HEAD_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    if first.startswith('"'):
        raise InputError(f"the {kind} file's first line starts with a quote. {_RESAVED}",
                         file=name, row=1)
    if ";" not in first:
        found = "commas" if "," in first else "tabs" if "\t" in first else "no separators"
        raise InputError(f"the {kind} file's header has {found} instead of semicolons. "
                         f"{_RESAVED}", file=name, row=1)


def read_meta(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read an m-Path meta-data file.

    Returns
    -------
    tuple
        ``(meta, warnings)``: one row per question column (all text), and one warning per
        column whose question text, question type or answer type changed during the study.
        Warnings name the column only: the question text is HTML written in the study
        designer and is never copied into messages.

    Raises
    ------
    InputError
        A re-saved (spreadsheet-damaged) file, or a missing meta-data column.
    """
    name = path.name
    raw = read_bytes(path, name=name)
    if not raw.strip():
        raise InputError("empty meta-data file; export it again from m-Path", file=name)
    _check_structure(raw, name=name, kind="meta-data")
    parsed = parse_csv(raw, name=name, delimiter=";")
    meta = parsed.frame
    for column in META_COLUMNS:
        if column not in meta.columns:
            raise InputError(f"meta-data column {column} is missing (meta-data export version "
                             f"1.1 expected). {_RESAVED}", file=name, column=column)
    warnings = []
    for _, row in meta.iterrows():
        changed = [label for col, label in _CHANGED.items()
                   if row[col].strip() not in ("", "0", "FALSE", "false")]
        if changed:
            warnings.append(f"{name}: the {' and '.join(changed)} of {_safe(row['columnName'])} "
                            "changed during the study; answers before and after may not be "
                            "comparable")
    return meta, warnings


def _safe(text: str) -> str:
    """A column name fit for a one-line message (control characters removed, capped)."""
    return re.sub(r"[\x00-\x1f\x7f]", "", str(text))[:80]


def _decode_json_text(series: pd.Series, *, as_list: bool) -> tuple[pd.Series, int]:
    """``"Male"`` -> ``Male``; ``"a","b"`` -> ``a|b``. Cells that are not JSON stay as they
    are; returns the series and how many non-empty cells were not JSON."""
    def decode(cell: str) -> str | None:
        if cell == "":
            return ""
        try:
            value = json.loads(f"[{cell}]") if as_list else json.loads(cell)
        except (json.JSONDecodeError, RecursionError):
            return None
        if isinstance(value, list):
            return "|".join(str(v) for v in value)
        return value if isinstance(value, str) else None

    uniques = series.unique()
    table = {cell: decode(cell) for cell in uniques}
    bad = sum(1 for cell, out in table.items() if out is None)
    mapped = series.map(lambda cell: table[cell] if table[cell] is not None else cell)
    return mapped.astype(str), bad


def _local_dates(sent: pd.Series, offset: pd.Series) -> pd.Series:
    """Local calendar date (``YYYY-MM-DD``) of Unix seconds plus an offset in seconds; ""
    where either is not an integer."""
    ok = sent.str.fullmatch(_INTEGER) & offset.str.fullmatch(_INTEGER)
    out = pd.Series("", index=sent.index, dtype=object)
    if ok.any():
        seconds = sent[ok].astype("int64") + offset[ok].astype("int64")
        out[ok] = pd.to_datetime(seconds, unit="s").dt.strftime("%Y-%m-%d")
    return out


def read_mpath(path: str | Path, *, meta: str | Path | None = None,
               id_column: str = "connectionId",
               prompt_questionnaires: list[str] | None = None) -> RawExport:
    """Read an m-Path data export and its meta-data file.

    Parameters
    ----------
    path
        The data file (``*_basic.csv`` or similar).
    meta
        The meta-data file; default: the one meta-data file beside the data file.
    id_column
        The column that identifies a participant (``connectionId``, a number that carries
        no name; ``alias`` is chosen by the participant and may identify them).
    prompt_questionnaires
        The questionnaires (``questionListName``) whose beeps count as prompts; default all
        but those never scheduled (``timeStampScheduled`` 0, e.g. an intake questionnaire).

    Returns
    -------
    RawExport
        ``entries`` (answered beeps, every column text), ``prompts`` (``client_id`` text,
        ``date`` datetime64 at midnight, ``prompts_sent``, ``prompts_answered`` int64),
        ``warnings`` (question text or type changed, columns missing from the meta-data
        file), ``fixes`` (unanswered beeps counted as prompts, JSON strings decoded, decimal
        commas), ``format_name`` ``"mpath"``.

    Raises
    ------
    InputError
        A file re-saved by a spreadsheet program (header quoted, commas instead of
        semicolons, timestamps turned into other numbers, text answers without their JSON
        quotes), a missing core or meta-data column, a missing meta-data file.
    """
    path = Path(path)
    name = path.name
    meta_path = Path(meta) if meta is not None else find_meta(path)
    if meta_path is None:
        raise InputError("no m-Path meta-data file found beside this file; put the meta-data "
                         "export (columnName;fullQuestion;...) next to it or name it in the "
                         "mapping file (source: meta_file)", file=name)
    meta_frame, warnings = read_meta(meta_path)
    raw = read_bytes(path, name=name)
    if not raw.strip():
        raise InputError("empty file; export it again from m-Path", file=name)
    _check_structure(raw, name=name, kind="data")
    parsed = parse_csv(raw, name=name, delimiter=";", short_rows_ok=True)
    frame = parsed.frame
    fixes = list(parsed.fixes)
    warnings = warnings + parsed.warnings
    for column in dict.fromkeys((*CORE_COLUMNS, id_column)):
        if column not in frame.columns:
            raise InputError(f"m-Path column {column} is missing. {_RESAVED}", file=name,
                             column=column)
    _check_timestamps(frame, name=name)

    types = dict(zip(meta_frame["columnName"], meta_frame["typeAnswer"], strict=True))
    unknown = [c for c in frame.columns
               if c not in types and c not in NOT_IN_META
               and c not in (SOURCE_FILE, SOURCE_ROW, READER_PROBLEM)]
    if unknown:
        warnings.append(f"{name}: {len(unknown)} column(s) not described in "
                        f"{meta_path.name}: {', '.join(_safe(c) for c in unknown[:10])}")
    for column in unknown:
        inferred = _type_from_suffix(column)
        if inferred is not None:
            types[column] = inferred
    frame = _decode_answers(frame, types, name=name, fixes=fixes)

    answered = frame["timeStampStart"].str.strip() != ""
    sent_dates = _local_dates(frame["timeStampSent"], frame["timeZoneOffset"])
    prompts = _prompts(frame, sent_dates, answered, id_column=id_column,
                       questionnaires=prompt_questionnaires)
    n_unanswered = int((~answered).sum())
    if n_unanswered:
        fixes.append(f"{name}: {n_unanswered} unanswered beep(s) (no start time) counted as "
                     "prompts sent, not as entries")
    entries = frame[answered].reset_index(drop=True)
    set_aside = {"unanswered beeps": n_unanswered} if n_unanswered else {}
    return RawExport(entries=entries, prompts=prompts, input_files=[str(path), str(meta_path)],
                     encoding=parsed.encoding, fixes=fixes, warnings=warnings,
                     format_name="mpath", set_aside=set_aside)


def _type_from_suffix(column: str) -> str | None:
    """The answer type a column name's suffix implies, for columns the meta-data file does
    not describe (m-Path names text answers ``*_open`` and ``*_multipleChoice_string``)."""
    if column.endswith(("_open", "_multipleChoice_string")):
        return "string"
    if column.endswith(("_multipleChoice_index", "_multipleChoice_likert")):
        return "int"
    return None


def _check_timestamps(frame: pd.DataFrame, *, name: str) -> None:
    """Timestamps must be whole seconds: a spreadsheet turns 1713434141 into 1.71343E+09."""
    for column in ("timeStampSent", "timeStampStart", "timeZoneOffset"):
        values = frame[column].str.strip()
        bad = values[(values != "") & ~values.str.fullmatch(_INTEGER)]
        if len(bad):
            row = int(frame.loc[bad.index[0], SOURCE_ROW])
            raise InputError(f"{column} holds {bad.iloc[0][:20]!r}, not whole Unix seconds. "
                             f"{_RESAVED}", file=name, row=row, column=column)


def _decode_answers(frame: pd.DataFrame, types: dict[str, str], *, name: str,
                    fixes: list[str]) -> pd.DataFrame:
    """Decode JSON text answers and decimal commas; refuse text answers without quotes."""
    out = frame.copy()
    decoded = 0
    for column, kind in types.items():
        if column not in out.columns:
            continue
        values = out[column]
        filled = values[values != ""]
        if kind in ("string", "stringList") and len(filled):
            if not filled.str.startswith('"').any():
                raise InputError(f"text answers in {_safe(column)} lost their JSON quotes "
                                 f"(the tripled quotes of the m-Path export). {_RESAVED}",
                                 file=name, column=column)
            out[column], _ = _decode_json_text(values, as_list=kind == "stringList")
            decoded += len(filled)
        elif kind in ("intList", "doubleList") and len(filled):
            out[column] = values.str.replace(",", "|", regex=False)
        elif kind == "double" and len(filled):
            commas = filled.str.fullmatch(r"-?\d+,\d+")
            if commas.any():
                out[column] = values.str.replace(",", ".", regex=False)
                fixes.append(f"{name}: decimal commas read as points in {int(commas.sum())} "
                             f"cell(s) of {_safe(column)}")
    if decoded:
        fixes.append(f"{name}: {decoded} text answer(s) decoded from m-Path's quoted JSON")
    return out


def _prompts(frame: pd.DataFrame, dates: pd.Series, answered: pd.Series, *, id_column: str,
             questionnaires: list[str] | None) -> pd.DataFrame:
    """Prompts sent and answered per participant and local day of sending."""
    if questionnaires is None:
        scheduled = frame.get("timeStampScheduled", pd.Series("", index=frame.index))
        counted = ~scheduled.str.strip().isin(["", "0"])
    else:
        counted = frame["questionListName"].isin(questionnaires)
    counted = counted & (dates != "")
    table = pd.DataFrame({
        "client_id": frame.loc[counted, id_column].astype(str),
        "date": dates[counted],
        "answered": answered[counted].astype("int64"),
    })
    if table.empty:
        return pd.DataFrame({"client_id": pd.Series(dtype=str),
                             "date": pd.Series(dtype="datetime64[ns]"),
                             "prompts_sent": pd.Series(dtype="int64"),
                             "prompts_answered": pd.Series(dtype="int64")})
    grouped = table.groupby(["client_id", "date"], sort=True)["answered"]
    out = pd.DataFrame({"prompts_sent": grouped.size(), "prompts_answered": grouped.sum()})
    out = out.reset_index()
    out["date"] = pd.to_datetime(out["date"], format="%Y-%m-%d").astype("datetime64[ns]")
    out["prompts_sent"] = out["prompts_sent"].astype(np.int64)
    out["prompts_answered"] = out["prompts_answered"].astype(np.int64)
    return out
