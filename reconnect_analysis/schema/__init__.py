"""The data contract and the validation that loses nothing.

The only package that imports great_expectations (through ``schema/gx.py``).
"""

from reconnect_analysis.schema.contract import Schema, load_schema
from reconnect_analysis.schema.table import ReconciliationError
from reconnect_analysis.schema.validate import validate_export, validate_raw, validate_to_folder

__all__ = ["ReconciliationError", "Schema", "load_schema", "validate_export", "validate_raw",
           "validate_to_folder"]
