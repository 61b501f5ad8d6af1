"""Kept only for tests/test_pty.py until it imports from helpers.py; the data lives there now."""

from __future__ import annotations

from .helpers import PAID_OPEN, flags

__all__ = ["PAID_OPEN", "flags"]
