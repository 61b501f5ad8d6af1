#!/usr/bin/env python3
"""Notebook benchmark: `ali-cancel orders` and `orders due` over 1,000 and 10,000 remembered orders.

Usage: python tests/bench/notebook.py [--runs N] [--sizes 1000,10000]   (the python of the venv)

Each size gets a throwaway ALI_CANCEL_HOME filled through the Notebook API with orders at every
stage (a cancellation pending or unanswered, approved, a parcel not arrived with the seller written
to, unpaid, waiting for shipment), a third of them updated once more and a tenth marked done; dates
sit around now, so some orders are due. The commands run as fresh processes, interleaved round by
round with the floor `import typer, rich.console`; the table shows medians and the ratio to the
floor. A command that fails is reported as such, not timed. The commands see the plans kept by
the run before (cli/plans.py), as a shell start-up file would; the "nothing cached" row decides
every order afresh. Also times Notebook.orders() in-process.
Not collected by pytest: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ali_cancel.notebook import Notebook

BIN = Path(sys.executable).parent
COMMAND = str(BIN / "ali-cancel")
PY = sys.executable
FLOOR = [PY, "-c", "import typer, rich.console"]
BUDGET = 1.5


class Failed(Exception):
    """The command did not exit 0."""


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run, stdout thrown away; Failed with the last line of stderr."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=errors, stdin=subprocess.DEVNULL
        )
        code = process.wait()
        elapsed = time.perf_counter() - start
        if code != 0:
            errors.seek(0)
            last = errors.read().decode(errors="replace").strip().splitlines()[-1:]
            raise Failed(f"exit {code}: {last[0] if last else '(nothing on stderr)'}")
    return elapsed


def run(argv: list[str], env: dict[str, str]) -> Callable[[], float]:
    return lambda: timed(argv, env)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def profiles(now: datetime) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(answers, dates) of orders at different stages, dated around now."""
    return [
        (
            {"payment": "paid", "closed": "no", "shipping": "not-shipped", "cancel-request": "pending"},
            {"requested-at": iso(now - timedelta(hours=30))},
        ),
        (
            {"payment": "paid", "closed": "no", "shipping": "not-shipped", "cancel-request": "no-response"},
            {"requested-at": iso(now - timedelta(days=4))},
        ),
        (
            {"payment": "paid", "closed": "no", "shipping": "not-shipped", "cancel-request": "approved"},
            {"requested-at": iso(now - timedelta(days=6)), "cancelled-at": iso(now - timedelta(days=5))},
        ),
        (
            {
                "payment": "paid",
                "closed": "no",
                "shipping": "shipped",
                "problem": "not-arrived",
                "want": "refund",
                "coupon": "none",
                "seller-reply": "waiting",
            },
            {"contacted-at": iso(now - timedelta(days=2)), "protection-ends": iso(now + timedelta(days=20))},
        ),
        ({"payment": "unpaid"}, {}),
        (
            {
                "payment": "paid",
                "closed": "no",
                "shipping": "not-shipped",
                "cancel-request": "none",
                "want": "item",
            },
            {"ship-by": iso(now + timedelta(hours=20))},
        ),
    ]


def fill(home: str, count: int, now: datetime) -> float:
    """Remember `count` orders in a fresh notebook; seconds taken."""
    stages = profiles(now)
    start = time.perf_counter()
    with Notebook.open(os.path.join(home, "notebook.sqlite3"), write=True) as notebook:
        for index, (answers, dates) in zip(range(count), itertools.cycle(stages)):
            number = str(8_100_000_000_000_000 + index)
            label = f"order {index}" if index % 2 else None
            notebook.remember(
                number, answers=answers, dates=dates, label=label, at=iso(now - timedelta(days=7))
            )
            if index % 3 == 0:  # an update: the seller answered
                notebook.remember(
                    number,
                    answers={"seller-asked": "no"},
                    dates={},
                    label=None,
                    at=iso(now - timedelta(days=1)),
                )
            if index % 10 == 9:
                notebook.mark_done(number, iso(now))
    return time.perf_counter() - start


def in_process(home: str, runs: int, history: bool) -> float:
    """Median milliseconds of Notebook.open(write=False).orders() for the notebook in `home`."""
    path = os.path.join(home, "notebook.sqlite3")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with Notebook.open(path, write=False) as notebook:
            notebook.orders(history=history)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,10000")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    now = datetime.now(timezone.utc)
    base = {k: v for k, v in os.environ.items() if not k.startswith("ALI_CANCEL_")}
    base.update({"NO_COLOR": "1", "COLUMNS": "120", "TZ": "UTC"})
    base.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="ali-cancel-bench-") as scratch:
        homes: dict[int, str] = {}
        for size in sizes:
            homes[size] = os.path.join(scratch, str(size))
            seconds = fill(homes[size], size, now)
            print(f"filled {size:,} orders in {seconds:.1f} s", file=sys.stderr)
        cases: dict[str, Callable[[], float]] = {
            "floor: import typer, rich.console": lambda: timed(FLOOR, base)
        }
        for size in sizes:
            env = {
                **base,
                "ALI_CANCEL_HOME": homes[size],
                "ALI_CANCEL_CACHE_DIR": os.path.join(scratch, "cache"),
            }
            for argv in (["orders"], ["orders", "due"]):
                cases[f"{' '.join(argv)}, {size:,} orders"] = run([COMMAND, *argv], env)
            # every order decided afresh and the rules read from YAML: no cache folder at all
            cold = {**env, "ALI_CANCEL_CACHE_DIR": ""}
            cases[f"orders, {size:,} orders, nothing cached"] = run([COMMAND, "orders"], cold)
        failed: dict[str, str] = {}
        for name, case in cases.items():  # warm the OS cache and the .pyc files; find what fails
            try:
                case()
                case()
            except Failed as error:
                failed[name] = str(error)
        if "floor: import typer, rich.console" in failed:
            raise SystemExit(f"the floor fails: {failed['floor: import typer, rich.console']}")
        times: dict[str, list[float]] = {name: [] for name in cases if name not in failed}
        for _ in range(options.runs):
            for name, values in times.items():
                try:
                    values.append(cases[name]())
                except Failed as error:  # failing only now and then: say so
                    failed[name] = f"failed in a later run: {error}"
        median = {name: statistics.median(values) * 1000 for name, values in times.items() if values}
        floor = median["floor: import typer, rich.console"]
        library = {
            (size, history): in_process(homes[size], options.runs, history)
            for size in sizes
            for history in (True, False)
        }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; median of {options.runs} interleaved runs"
    )
    print()
    print("| case | median | floor | ratio | budget |")
    print("| --- | ---: | ---: | ---: | ---: |")
    within = True
    for name in cases:
        if name.startswith("floor"):
            continue
        if name in failed:
            within = False
            print(f"| {name} | FAILED | {floor:.0f} ms | - | {failed[name]} |")
            continue
        ratio = median[name] / floor
        if "nothing cached" in name:  # the first look after a change, or no cache folder: no budget
            print(f"| {name} | {median[name]:.0f} ms | {floor:.0f} ms | {ratio:.2f}x | (none) |")
            continue
        within &= ratio <= BUDGET
        mark = "ok" if ratio <= BUDGET else "OVER"
        print(f"| {name} | {median[name]:.0f} ms | {floor:.0f} ms | {ratio:.2f}x | <= {BUDGET:.2f}x {mark} |")
    print()
    print("| in-process, Notebook.open(write=False).orders() | median |")
    print("| --- | ---: |")
    for (size, history), milliseconds in library.items():
        print(f"| {size:,} orders{'' if history else ', history=False'} | {milliseconds:.1f} ms |")
    print()
    print("all within budget" if within else "OVER BUDGET or FAILED")


if __name__ == "__main__":
    main()
