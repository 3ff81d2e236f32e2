"""Where claimscan's shipped data lives, installed or in a source checkout."""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def models_dir() -> Path:
    """The shipped `models/` folder: inside the wheel, or at the checkout root."""
    installed = PACKAGE_DIR / "_models"
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parents[1] / "models"
