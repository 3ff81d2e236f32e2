"""Strict validation of rule files: unknown keys are errors, missing keys too."""
from __future__ import annotations

from typing import Any


def check_keys(obj: Any, allowed: set[str], required: set[str], where: str,
               error: type[Exception] = ValueError) -> None:
    """Raise `error` unless `obj` is a dict with all `required` and only `allowed` keys."""
    if not isinstance(obj, dict):
        raise error(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = set(obj) - allowed
    if unknown:
        raise error(f"{where}: unknown key(s) {sorted(unknown)}")
    missing = required - set(obj)
    if missing:
        raise error(f"{where}: missing key(s) {sorted(missing)}")
