#!/usr/bin/env python3
"""Start-up benchmark of the installed `ali-cancel`, as ratios against the libraries it stands on.

Usage: python tests/bench/startup.py [--runs N]   (the python of the venv that has ali-cancel)

Each case runs as a fresh process, the cases interleaved round by round so that a slow moment of
the machine hits them all alike; the table shows medians. Floors: `import typer, rich.console`,
and for the first question the same plus questionary showing one select prompt. Peak memory is the
child's maximum resident set size. Not collected by pytest: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
COMMAND = str(BIN / "ali-cancel")
PY = sys.executable
FLOOR = [PY, "-c", "import typer, rich.console"]
FLOOR_PROMPT = [
    PY,
    "-c",
    "import typer, rich.console, questionary; questionary.select('Where does the payment stand?', "
    "choices=['I have not paid yet', 'I paid']).unsafe_ask()",
]
# The console script without its one trick (gc.disable() in launch.py): the same steps, collector on.
GC_ON = [
    PY,
    "-c",
    "import sys; from ali_cancel.i18n import choose, take_lang; "
    "code, sys.argv[1:] = take_lang(sys.argv[1:]); choose(code); from ali_cancel.app import main; main()",
]
ADVICE = [
    COMMAND,
    "advise",
    "--payment",
    "paid",
    "--closed",
    "no",
    "--shipping",
    "not-shipped",
    "--cancel-request",
    "none",
    "--coupon",
    "none",
    "--seller-asked",
    "no",
    "--want",
    "item",
]


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, output thrown away."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{argv} exited {process.returncode}")
    return elapsed, usage.ru_maxrss


def first_prompt(argv: list[str], env: dict[str, str], text: bytes) -> tuple[float, int]:
    """Seconds until `text` appears on a real pseudo-terminal, then Ctrl-C."""
    env = {**env, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color"}
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.execve(argv[0], argv, env)  # noqa: S606 - a fixed argv of our own
    seen = b""
    elapsed = float("nan")
    deadline = start + 20
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if text in seen:
                elapsed = time.perf_counter() - start
                break
    os.write(fd, b"\x03")
    _, _, usage = os.wait4(pid, 0)
    os.close(fd)
    return elapsed, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=21)
    options = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="ali-cancel-bench-")
    env = {**os.environ, "ALI_CANCEL_CACHE_DIR": cache, "NO_COLOR": "1", "COLUMNS": "80"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    complete_env = {
        **env,
        "_ALI_CANCEL_COMPLETE": "complete_bash",
        "COMP_WORDS": "ali-cancel advise --payment ",
        "COMP_CWORD": "3",
    }
    question = b"Where does the payment stand?"
    cases: dict[str, Callable[[], tuple[float, int]]] = {
        "floor: import typer, rich.console": lambda: timed(FLOOR, env),
        "one-shot advice": lambda: timed(ADVICE, env),
        "one-shot advice --json": lambda: timed([*ADVICE, "--json"], env),
        "advise --help": lambda: timed([COMMAND, "advise", "--help"], env),
        "completion --payment <TAB>": lambda: timed([COMMAND], complete_env),
        "floor: questionary select shown": lambda: first_prompt(FLOOR_PROMPT, env, question),
        "first question (pty)": lambda: first_prompt([COMMAND], env, question),
        "one-shot advice --lang es": lambda: timed([COMMAND, "--lang", "es", *ADVICE[1:]], env),
        # what each speed trick still saves: the same run with the trick switched off
        "trick off: garbage collector not paused": lambda: timed(GC_ON + ADVICE[1:], env),
        "trick off: no compiled rules cache": lambda: timed(ADVICE, {**env, "ALI_CANCEL_CACHE_DIR": ""}),
    }
    for case in cases.values():  # warm the OS cache, .pyc files and the compiled rules
        case()
        case()
    times: dict[str, list[float]] = {name: [] for name in cases}
    memory: dict[str, list[int]] = {name: [] for name in cases}
    for _ in range(options.runs):
        for name, case in cases.items():
            seconds, rss = case()
            times[name].append(seconds)
            memory[name].append(rss)
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    peak = {name: max(values) / 1024 for name, values in memory.items()}
    floor, prompt_floor = (
        median["floor: import typer, rich.console"],
        median["floor: questionary select shown"],
    )
    floor_memory = peak["floor: import typer, rich.console"]
    rows = [
        ("one-shot advice", median["one-shot advice"], floor, 1.20),
        ("one-shot advice --json", median["one-shot advice --json"], floor, 1.20),
        ("completion --payment <TAB>", median["completion --payment <TAB>"], floor, 1.20),
        ("advise --help", median["advise --help"], floor, 2.0),
        ("first question (pty)", median["first question (pty)"], prompt_floor, 1.20),
        ("one-shot advice --lang es", median["one-shot advice --lang es"], floor, 1.25),
    ]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; median of {options.runs} interleaved runs"
    )
    print()
    print("| case | median | floor | ratio | budget |")
    print("| --- | ---: | ---: | ---: | ---: |")
    worst = True
    for name, value, base, budget in rows:
        ratio = value / base
        worst &= ratio <= budget
        mark = "ok" if ratio <= budget else "OVER"
        print(f"| {name} | {value:.0f} ms | {base:.0f} ms | {ratio:.2f}x | <= {budget:.2f}x {mark} |")
    advice_memory = max(peak["one-shot advice"], peak["one-shot advice --json"])
    ratio = advice_memory / floor_memory
    worst &= ratio <= 1.2
    print(
        f"| peak memory, one-shot advice | {advice_memory:.1f} MiB | {floor_memory:.1f} MiB | {ratio:.2f}x | "
        f"<= 1.20x {'ok' if ratio <= 1.2 else 'OVER'} |"
    )
    print()
    print("What each speed trick saves on the one-shot path (the same run with it switched off):")
    base = median["one-shot advice"]
    for name, why in (
        ("trick off: garbage collector not paused", "gc paused while a one-shot run starts (launch.py)"),
        ("trick off: no compiled rules cache", "rules kept compiled, YAML parsed once (rulestore.py)"),
    ):
        saved = median[name] - base
        print(f"- {why}: saves {saved:.1f} ms ({saved / median[name] * 100:.1f} %)")
    print()
    print("all within budget" if worst else "OVER BUDGET")


if __name__ == "__main__":
    main()
