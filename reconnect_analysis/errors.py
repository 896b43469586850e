"""The only exceptions the package raises for a user's input. All are ValueError-compatible."""

from __future__ import annotations


class ReconnectError(ValueError):
    """Base class: a problem with the user's input or setup, shown as one line, no traceback."""


class InputError(ReconnectError):
    """An input file cannot be used; names the file and, where known, the row and column."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file, self.row, self.column = file, row, column
        where = ", ".join(
            part for part in (
                file,
                f"row {row}" if row is not None else None,
                f"column {column}" if column is not None else None,
            ) if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class SchemaFileError(ReconnectError):
    """The schema, a mapping file or a notebook template is malformed."""


class NotEnoughData(ReconnectError):
    """Too few logged days to compute what was asked."""


class ReportError(ReconnectError):
    """A report could not be produced (bad parameters, unsafe client id, failed render)."""
