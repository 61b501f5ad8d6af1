"""The Typer app: registers the commands, and is the one place that turns errors into exit codes."""

# No `from __future__ import annotations` here: Typer would evaluate every annotation string of
# every command at start-up; names only needed for type checking are quoted instead.

import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer

from . import cmd_advise, terminal
from .errors import AppError, RuleFileError
from .flags import PROG
from .i18n import _
from .localhelp import Command, Group

# Groups built only when used: a one-shot `advise` never pays for building their commands.
LAZY_GROUPS = {"rules": ("cmd_rules", "rules_app"), "orders": ("orders", "orders_app")}


class AliCancelGroup(Group):
    """Runs the command without Click's standalone handling, and maps every error to its exit code."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *LAZY_GROUPS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in LAZY_GROUPS:
            return super().get_command(ctx, cmd_name)
        from importlib import import_module

        from typer.main import get_command

        module, name = LAZY_GROUPS[cmd_name]
        command = get_command(getattr(import_module(f".{module}", __package__), name))
        command.name = cmd_name
        return command

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        terminal.encode_plainly()
        try:
            result = super().main(
                args=argv,
                prog_name=prog_name or PROG,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = result if isinstance(result, int) else 0
            if code == 130:  # Typer turns a Ctrl-C in a command into exit 130, silently
                terminal.say(PROG, cmd_advise.GOODBYE)
            sys.stdout.flush()
        except BrokenPipeError:
            terminal.silence_stdout()
            code = 0
        except SystemExit as stop:
            # Typer answers a broken pipe (EPIPE) by wrapping stdout and exiting 1; the reader
            # who closed the pipe got what it wanted, so that is no failure
            code = 0 if _pipe_closed() else stop.code if isinstance(stop.code, int) else 1
        except Exception as error:
            code = _report(error, debug="--debug" in argv)
        except KeyboardInterrupt:
            terminal.say(PROG, cmd_advise.GOODBYE)
            code = 130
        sys.exit(code)


def _click_message(error: Any) -> str:
    """Click's usage errors in the chosen language, where we know their shape; else Click's words."""
    from typer import _click

    from .flags import closest

    exceptions = _click.exceptions
    if isinstance(error, exceptions.NoSuchOption):
        return _("no such option: {option}").format(option=error.option_name) + closest(
            error.option_name, sorted(error.possibilities or ())
        )
    if isinstance(error, exceptions.MissingParameter) and error.param is not None:
        return _("missing {name}").format(
            name=error.param.get_error_hint(error.ctx) if error.ctx else error.param.name
        )
    if isinstance(error, exceptions.BadOptionUsage):
        return _("{option} needs a value").format(option=error.option_name)
    return str(error.format_message())


def _pipe_closed() -> bool:
    from typer._click.utils import PacifyFlushWrapper

    return isinstance(sys.stdout, PacifyFlushWrapper)


def _report(error: Exception, *, debug: bool) -> int:
    """Say what went wrong in one line (never a traceback unless --debug); the exit code."""
    from typer import _click

    if isinstance(error, RuleFileError):
        # PATH:LINE:COLUMN: message, unprefixed, so that editors and grep can jump to it
        terminal.write_err(*(str(problem) for problem in error.problems))
        return error.exit_code
    if isinstance(error, AppError):
        terminal.say(PROG, error.message, error.hint)
        return error.exit_code
    if isinstance(error, _click.exceptions.NoArgsIsHelpError):
        return 2  # the help was shown already
    if isinstance(error, _click.exceptions.UsageError):
        where = error.ctx.command_path if error.ctx is not None else PROG
        terminal.say(
            PROG, _click_message(error) + " " + _("(see '{command}')").format(command=f"{where} --help")
        )
        return 2
    if isinstance(error, _click.exceptions.ClickException):
        terminal.say(PROG, error.format_message())
        return error.exit_code
    if isinstance(error, typer.Abort):
        terminal.say(PROG, cmd_advise.GOODBYE)
        return 130
    if debug:
        raise error
    terminal.say(
        PROG,
        _("internal error: {error} (run again with --debug for the details)").format(
            error=f"{type(error).__name__}: {error}"
        ),
    )
    return 1


app = typer.Typer(
    cls=AliCancelGroup,
    name=PROG,
    add_completion=True,
    invoke_without_command=True,
    no_args_is_help=False,
    # Plain Click help: Typer's Rich help imports rich.markdown, markdown-it and rich.traceback,
    # which doubles the time of `--help` (tests/bench/startup.py shows it).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Each command's help is given here, translated, rather than read from its docstring.
app.command(
    "advise",
    cls=Command,
    help=_(
        "Print the advice for an order; ask for what the flags leave out.\n\n"
        "Give the facts you know as flags; in a terminal the rest is asked, otherwise the command "
        "stops with exit 2 and names every flag it still needs."
    ),
)(cmd_advise.advise)
app.command(
    "message",
    cls=Command,
    help=_("Print a ready-to-send message to the seller, or the text for a dispute form."),
)(cmd_advise.message)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version(PROG)
        except PackageNotFoundError:
            number = "unknown (not installed)"
        terminal.write_out(f"{PROG} {number}\n")
        raise typer.Exit(0)


@app.callback(
    help=_(
        "Advice for getting out of an AliExpress order, or getting your money back.\n\n"
        "Run without a command to start the interactive advisor: the same as the advise command."
    )
)
def _root(
    ctx: typer.Context,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="CODE", help=_("Language of the texts: en, es, fr, pt-BR, pl, ru.")),
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help=_("Print the version and exit."), callback=_show_version, is_eager=True
        ),
    ] = False,
    plain: Annotated[
        bool,
        typer.Option("--plain", help=_("Numbered plain-text prompts instead of arrow-key menus.")),
    ] = False,
) -> None:
    """Advice for getting out of an AliExpress order, or getting your money back.

    Run without a command to start the interactive advisor (the same as 'ali-cancel advise').
    """
    if ctx.invoked_subcommand is None:  # `ali-cancel` and `ali-cancel --plain` start the advisor
        command = ctx.command.get_command(ctx, "advise")  # type: ignore[attr-defined]
        with command.make_context("advise", ["--plain"] if plain else [], parent=ctx) as advising:
            command.invoke(advising)


def main() -> None:
    """The console script: `ali-cancel`."""
    from typer.main import get_command

    get_command(app).main(prog_name=PROG)
