"""Errors a user can fix, each carrying the exit code the contract gives it."""

from __future__ import annotations

from typing import NamedTuple


class AppError(Exception):
    """An error to show as one line, ending the program with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(AppError):
    """Unknown flag, bad value, bad date, bad order number, or answers missing with no prompt."""

    exit_code = 2


class Problem(NamedTuple):
    """One thing wrong in a rule file, at a place a person can go to."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if not self.line:  # about the file as a whole (missing, a folder): no made-up position
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class RuleFileError(AppError):
    """A rule file that cannot be used; holds every problem found, in file order."""

    exit_code = 3

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class NotebookError(AppError):
    """The order notebook cannot be used: damaged, newer, not writable or locked; left as it was."""

    exit_code = 4
