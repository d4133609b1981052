"""Run the real kiosk app in this process and play one scenario against it.

``python -m tests.kiosk.driver --world W --scenario NAME --out RESULT.json --artifacts DIR
[--backend URL] [--config-extra TOML] [--scenarios MODULE]`` (the counter's end-to-end tests pass
``--scenarios tests.e2e.scenarios``).

Kivy allows one app per process, so each scenario gets its own process (pytest starts it, see
``conftest.py``). The scenario is an ``async`` function running in the same asyncio loop as the
app: it taps cards, touches buttons and waits for texts while the app keeps drawing. The result
file lists every text shown during the run (for the glyph check) and the screenshots taken.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path


def _prepare_environment() -> None:
    home = tempfile.mkdtemp(prefix="kivy-home-")
    os.environ.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG=os.environ.get("KIOSK_TEST_QUIET", "1"),
        KIVY_NO_FILELOG="1",
        KIVY_USE_DEFAULTCONFIG="1",
        KIVY_HOME=home,
        KIVY_EVENTLOOP="asyncio",
    )


def write_config(work: Path, world: dict, backend: str, extra: str) -> Path:
    text = f"""
[backend]
url = "{backend}"
device_key = "{world["device_key"]}"
timeout = 2.0

[kiosk]
mode = "both"
idle_seconds = 30
countdown_seconds = 5
attract_seconds = 600
message_seconds = 30
cache_folder = "{work / "cache"}"

[reader]
type = "simulated"

[printer]
connection = "preview"
folder = "{work / "prints"}"
queue = "{work / "print-queue.db"}"
"""
    path = work / "kiosk.toml"
    path.write_text(merge_toml(text, extra), encoding="utf-8")
    return path


def merge_toml(base: str, extra: str) -> str:
    """``extra``'s [reader] and [printer] replace the base's; other sections are updated."""
    if not extra.strip():
        return base
    import tomllib

    merged = tomllib.loads(base)
    for section, values in tomllib.loads(extra).items():
        if section in ("reader", "printer"):
            queue = merged.get(section, {}).get("queue")
            merged[section] = dict(values)
            if queue and section == "printer":
                merged[section].setdefault("queue", queue)  # never the project's own queue
        else:
            merged.setdefault(section, {}).update(values)
    return _dump(merged)


def _dump(data: dict) -> str:
    lines = []
    for section, values in data.items():
        lines.append(f"[{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--world", required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--backend", default="")
    parser.add_argument("--config-extra", default="")
    parser.add_argument("--facts", default="{}", help="JSON the scenario may read")
    parser.add_argument(
        "--scenarios",
        default="tests.kiosk.scenarios_content",
        help="module whose SCENARIOS table names the scenario (the counter's: tests.e2e.scenarios)",
    )
    args = parser.parse_args()
    _prepare_environment()
    world = json.loads(Path(args.world).read_text(encoding="utf-8"))
    artifacts = Path(args.artifacts)
    artifacts.mkdir(parents=True, exist_ok=True)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    config_file = write_config(work, world, args.backend, args.config_extra)
    from kiosk.config import load_config
    from kiosk.window import configure_window

    config = load_config(config_file)
    configure_window(config)
    from kiosk.app import create_app
    from tests.kiosk import harness
    from tests.kiosk.scenarios import Stage

    scenarios = importlib.import_module(args.scenarios).SCENARIOS

    app = create_app(config)
    stage = Stage(app=app, world=world, artifacts=artifacts, work=work, backend_url=args.backend)
    stage.facts_in = json.loads(args.facts)
    result: dict = {"ok": False}

    async def run() -> None:
        runner = asyncio.ensure_future(app.async_run(async_lib="asyncio"))
        try:
            await harness.wait_for(lambda: app.root is not None and app.sm.current, "app start")
            await harness.frames(3)
            await scenarios[args.scenario](stage)
            result["ok"] = True
        except BaseException:
            result["error"] = traceback.format_exc()
        finally:
            stage.cleanup()
            app.stop()
            await runner

    try:
        asyncio.run(run())
    except BaseException:  # an error inside Kivy's loop ends the app: report it too
        result["ok"] = False
        result["error"] = traceback.format_exc()
    result["texts"] = sorted(harness.SEEN_TEXTS)
    result["font"] = str(app.font_path)
    result["facts"] = stage.facts
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if not result["ok"]:
        print(result.get("error", ""), file=sys.__stderr__)  # Kivy wraps sys.stderr
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
