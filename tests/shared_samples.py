"""Where the team's shared sample exports are: ``../shared/samples`` beside the repo."""

from pathlib import Path

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
MPATH_SAMPLES = SHARED_DIR / "samples" / "mpath"
