#!/usr/bin/env python3
"""Scale benchmark: generate a rule file of 10,000 questions and validate it with the installed command.

Usage: python tests/bench/scale.py [--questions N] [--runs N]
Prints the file size and the median wall time of `ali-cancel rules validate FILE` (a fresh process,
YAML parsed and every check run), next to in-process parse-and-check time. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(questions: int) -> str:
    """A chain of questions: each either goes on to the next or ends in one of a few outcomes."""
    lines = ['title: "Generated"', 'start: "s0"', "questions:"]
    for i in range(questions):
        lines += [
            f"  q{i}:",
            f'    text: "Question {i}: does this hold?"',
            f'    help: "Help for question {i}."',
            "    choices:",
            '      "yes": "Yes, go on"',
            '      "no": "No, stop here"',
        ]
    lines.append("tree:")
    for i in range(questions):
        following = f"s{i + 1}" if i + 1 < questions else "done"
        lines += [
            f"  s{i}:",
            f'    ask: "q{i}"',
            "    answers:",
            f'      "yes": "{following}"',
            f'      "no": "stop-{i % 10}"',
        ]
    lines.append("outcomes:")
    for name in ["done", *(f"stop-{k}" for k in range(10))]:
        lines += [
            f"  {name}:",
            '    action: "wait"',
            f'    title: "Outcome {name}"',
            '    steps: ["Nothing to do."]',
            '    sources: ["Beyond the guide: generated"]',
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    command = str(Path(sys.executable).with_name("ali-cancel"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(generate(options.questions))
        size = path.stat().st_size
        cli_times = []
        for _ in range(options.runs):
            start = time.perf_counter()
            result = subprocess.run([command, "rules", "validate", str(path)], capture_output=True, text=True)
            cli_times.append(time.perf_counter() - start)
            if result.returncode != 0:
                raise SystemExit(result.stderr[-2000:])
        from ali_cancel.loader import load_bytes

        data = path.read_bytes()
        core_times = []
        for _ in range(options.runs):
            start = time.perf_counter()
            load_bytes(data, str(path))
            core_times.append(time.perf_counter() - start)
    print(f"{options.questions:,} questions, {size / 1e6:.1f} MB of YAML: {result.stdout.strip()}")
    print(
        f"ali-cancel rules validate: median {statistics.median(cli_times) * 1000:.0f} ms "
        f"(budget 1000 ms) over {options.runs} runs"
    )
    print(f"parse and check in-process: median {statistics.median(core_times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
