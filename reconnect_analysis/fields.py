"""Names of field groups that several parts iterate over (cues, micro-shift signals).

The fields themselves are defined in data/schemas/v1/schema.yaml; a test checks that these
groups name exactly the schema's ``cue_*`` and ``shift_*`` fields, in the schema's order.
Kept as constants (not read from the YAML at import) because report kernels import them and
must start fast.
"""

CUES = ("body", "sensory", "connection", "meaning")
"""The four daily cues of the 14-day plan; the column of cue ``c`` is ``cue_<c>``."""

SHIFT_SIGNALS = (
    "shift_shoulders_dropped",
    "shift_time_faster",
    "shift_body_sensation",
    "shift_emotion_wave",
    "shift_sadness_or_annoyance",
    "shift_preference",
    "shift_social",
)
"""The yes/no micro-shift signals of DOMAIN.md, in a fixed order."""
