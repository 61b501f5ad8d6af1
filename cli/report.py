"""Advice -> the contract's JSON object; pure, and free of Rich so that `--json` starts fast."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .engine import Advice
from .model import RuleSet

if TYPE_CHECKING:
    from .deadlines import Due


def advice_json(
    rules: RuleSet, advice: Advice, due: Sequence[Due], message: str | None, order: str | None
) -> dict[str, Any]:
    """The contract's JSON object, key for key."""
    outcome = advice.outcome
    return {
        "action": {"id": outcome.action, "title": outcome.title, "steps": list(outcome.steps)},
        "alternatives": [
            {"id": a.action, "title": rules.action_title(a.action), "why": a.why}
            for a in outcome.alternatives
        ],
        "notes": list(advice.notes),
        "deadlines": [{"id": d.id, "at": d.at.isoformat(), "passed": d.passed} for d in due],
        "message": message,
        "path": [{"question": s.question, "answer": s.answer} for s in advice.path],
        "ignored": list(advice.ignored),
        "sources": list(outcome.sources),
        "order": order,
    }
