"""What every reader hands to the shared validation pipeline.

Readers only get the data into canonical column names; they do not decide what is valid.
Every input record appears in exactly one row of ``entries`` (or ``events`` /
``weekly_screen``), so the pipeline can account for it. Values may still be text (the
pipeline parses them by the schema's type and quarantines cells that fail) or already typed
(e.g. after a mapping's rescale).

Columns every frame carries besides the canonical fields:

``source_file``
    The file's name as the user gave it (no folders of the user's machine needed).
``source_row``
    Spreadsheet-style row number of the record: for CSV the header is row 1 and the first
    record row 2 (a record with quoted newlines still counts as one row); for JSON the
    1-based position of the record; for xlsx the sheet's row number.
``READER_PROBLEM`` (``_reader_problem``)
    Empty, or a reason code when the reader could not read the record faithfully
    (``field_count`` for a row with too many or too few fields, ``truncated`` for a cut-off
    last line, ``duplicate_key`` for a JSON object that repeats a key, ``unparseable`` for a
    JSON list element that is not an object or a JSON Lines line that is not JSON). The
    pipeline quarantines such rows but still rescues their risk answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

READER_PROBLEM = "_reader_problem"


@dataclass
class RawExport:
    entries: pd.DataFrame
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    weekly_screen: pd.DataFrame = field(default_factory=pd.DataFrame)
    prompts: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Experience-sampling exports: client_id, date, prompts_sent, prompts_answered."""
    input_files: list[str] = field(default_factory=list)
    """Paths read, for the provenance fingerprint."""
    encoding: str = "utf-8"
    """The text encoding detected (reported to the user)."""
    fixes: list[str] = field(default_factory=list)
    """What the reader repaired, in plain words ("decimal commas read as points")."""
    warnings: list[str] = field(default_factory=list)
    """Things the user should know that lose no data ("question text of X changed")."""
    aggregation: dict[str, str] = field(default_factory=dict)
    """Per-field override of how several entries in one day merge: mean, max, min, sum,
    any, all, first, last (defaults live in the schema file)."""
    format_name: str = "native"
    set_aside: dict[str, int] = field(default_factory=dict)
    """Input records the reader deliberately did not hand on as rows, by reason (e.g.
    ``{"unanswered beeps": 808}``), so the reconciliation can still account for every record
    of the file."""
