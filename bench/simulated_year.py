"""The simulated year in full (docs/testing.md, "The simulated year"): 10 kiosks, ~500 taps a
day, 2 counters taking ~40 payments a day with voids and transfers, paper-outs, printer power
cycles, kiosk restarts, pcscd restarts and backend restarts and crashes, every day of a year —
then every payment and print job accounted for and the audit chain verified. Prints the figures
for bench/RESULTS.md; exits 1 (naming the seed) if anything is lost or duplicated.

    .venv/bin/python -m bench.simulated_year                 # the full year
    .venv/bin/python -m bench.simulated_year --day-step 7    # every 7th day (a quicker year)
    .venv/bin/python -m bench.simulated_year --seed 424242   # replay a run's decisions
    .venv/bin/python -m bench.simulated_year --db postgres   # on a throw-away PostgreSQL

At full volume the development server on two busy cores takes 14–21 taps a second: the whole
year runs for two to three hours, ``--day-step 7`` for about twenty minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

from tests.simyear.plan import YearConfig
from tests.simyear.year import run_year


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="模拟一年：全部缴费与打印逐一核对")
    parser.add_argument("--seed", type=int, default=None, help="随机种子（默认随机，会打印出来）")
    for f in fields(YearConfig):
        if f.name != "seed":
            parser.add_argument(f"--{f.name.replace('_', '-')}", type=type(f.default), default=None)
    parser.add_argument("--keep", action="store_true", help="保留数据库、任务文件和后端日志")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    chosen = {
        f.name: getattr(args, f.name)
        for f in fields(YearConfig)
        if f.name != "seed" and getattr(args, f.name) is not None
    }
    config = YearConfig(seed=seed, **chosen)
    print(f"seed {seed}: {json.dumps(chosen) if chosen else 'the full year'}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="simyear-"))
    try:
        report = run_year(config, folder)
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    figures = report.figures()
    for name, value in figures.items():
        print(f"{name:>20}: {value}")
    if report.seconds:
        print(f"{'taps per second':>20}: {report.taps / report.seconds:.1f}")
    if report.problems:
        print(f"\nseed {seed}: {len(report.problems)} problem(s):", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"\nseed {seed}: every payment and print job accounted for; audit chain intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
