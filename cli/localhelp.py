"""Typer command and group classes whose help speaks the chosen language, Click's own words included."""

# No `from __future__ import annotations`: Typer reads annotations at start-up.

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from .i18n import _


class Translated:
    """Help in the chosen language where Click writes its own words: usage, the help and completion options.

    (Typer translates "Options" and "Commands" with gettext; its vendored Click does not.)
    """

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage:") + " ")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)  # type: ignore[misc]
        helps = {
            "install_completion": _("Install completion for the current shell."),
            "show_completion": _(
                "Show completion for the current shell, to copy it or customize the installation."
            ),
        }
        for param in params:
            if param.name in helps:
                param.help = helps[param.name]
        return params


class Command(Translated, TyperCommand):
    """A command whose help speaks the chosen language."""


class Group(Translated, TyperGroup):
    """A group of commands whose help speaks the chosen language."""


def group(help_text: str, **options: Any) -> typer.Typer:
    """A group of commands under the main app, its help in the chosen language (no completion options)."""
    return typer.Typer(cls=Group, add_completion=False, help=help_text, rich_markup_mode=None, **options)
