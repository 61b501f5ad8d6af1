"""The console script's entry point: the language first, then the app, with the garbage collector paused.

The language must be chosen before Typer is imported, since Typer reads some of its own strings
then. A one-shot run lives for a tenth of a second and makes no garbage cycles worth collecting,
but the imports make enough objects to trigger dozens of collections (tests/bench/startup.py
measures what pausing saves); the interactive advisor turns the collector back on.
"""

import sys


def main() -> None:
    import gc

    gc.disable()
    from .i18n import choose, take_lang

    code, sys.argv[1:] = take_lang(sys.argv[1:])
    try:
        choose(code)
    except ValueError as error:
        sys.stderr.write(f"ali-cancel: {error}\n")
        sys.exit(2)
    from .app import main as run

    run()
