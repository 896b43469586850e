"""The fast CSV reader against a second implementation (the csv module) on damaged files.

Each case takes a small export with quoted notes (commas, doubled quotes, line breaks) and
damages it at random (a quote, delimiter, line break, CR or letter inserted, deleted or
doubled; sometimes the file cut short). The reader must either refuse the file with a
ReconnectError or return exactly the records the csv module reads, with the same spreadsheet
row numbers. Seeded, so a failure is reproducible.
"""

from __future__ import annotations

import csv
import io
import random
import re

import pytest

from reconnect_analysis.errors import ReconnectError
from reconnect_analysis.io import read_export

FIELDS = ["client_id", "date", "numbness", "note"]


def damaged_export(rng: random.Random) -> tuple[str, str]:
    sep = rng.choice([",", ";"])
    lines = [sep.join(FIELDS)]
    for i in range(30):
        note = rng.choice([f'"n {i}{sep} ""q""\nl2"', "plain", "", '""', f'"a{sep}b"'])
        lines.append(sep.join([f"c{i}", f"2026-11-{i % 28 + 1:02d}", str(i % 11), note]))
    chars = list("\n".join(lines) + rng.choice(["\n", "", "\r\n"]))
    for _ in range(rng.randint(0, 4)):
        pos = rng.randrange(len(chars))
        op = rng.choice(["del", "ins", "dup"])
        if op == "del":
            del chars[pos]
        elif op == "ins":
            chars.insert(pos, rng.choice(['"', sep, "\n", "\r", "x", "\r\n", " "]))
        else:
            chars.insert(pos, chars[pos])
    text = "".join(chars)
    if rng.random() < 0.2:
        text = text[:rng.randrange(1, len(text))]
    return text, sep


def reference(text: str, sep: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row number, cells padded/cut to the header) per record, by the csv module
    (a lone CR read as a line break, as the reader does)."""
    rows = list(csv.reader(io.StringIO(re.sub("\r(?!\n)", "\n", text), newline=""),
                           delimiter=sep))
    header = [h.strip() for h in rows[0]]
    width = len(header)
    return header, [(i + 2, (r + [""] * width)[:width]) for i, r in enumerate(rows[1:]) if r]


@pytest.mark.parametrize("seed", range(4))
def test_reader_matches_csv_module_on_damaged_files(tmp_path, seed):
    rng = random.Random(seed)
    compared = 0
    for _ in range(75):
        text, sep = damaged_export(rng)
        path = tmp_path / "entries.csv"
        path.write_text(text, encoding="utf-8")
        try:
            frame = read_export(path).entries
        except ReconnectError:
            continue
        header, records = reference(text, sep)
        if not set(FIELDS) <= set(header):
            continue
        positions = [header.index(f) for f in FIELDS]
        expected = [(row, [cells[p] for p in positions]) for row, cells in records]
        got = [(row["source_row"], [row[f] for f in FIELDS])
               for row in frame.to_dict("records")]
        assert got == expected, repr(text)
        compared += 1
    assert compared > 40
