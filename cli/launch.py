"""The console script's entry point: start the app with the cyclic garbage collector paused.

A one-shot run lives for a tenth of a second and makes no garbage cycles worth collecting, but the
imports make enough objects to trigger dozens of collections (about 6% of start-up, measured by
tests/bench/startup.py). The interactive advisor turns the collector back on before its prompts.
"""


def main() -> None:
    import gc

    gc.disable()
    from .app import main as run

    run()
