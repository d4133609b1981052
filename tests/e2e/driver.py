"""Run the real kiosk app in counter mode in this process and play one counter scenario.

The same as ``tests.kiosk.driver`` (whose environment and configuration helpers it uses), with
the counter's scenario table: ``python -m tests.e2e.driver --world W --scenario NAME --out R
--artifacts DIR --work DIR --backend URL [--config-extra TOML] [--facts JSON]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import traceback
from pathlib import Path

from tests.kiosk.driver import _prepare_environment, write_config


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("--world", "--scenario", "--out", "--artifacts", "--work", "--backend"):
        parser.add_argument(name, required=True)
    parser.add_argument("--config-extra", default="", help='TOML; [kiosk] mode = "counter"')
    parser.add_argument("--facts", default="{}")
    args = parser.parse_args()
    _prepare_environment()
    world = json.loads(Path(args.world).read_text(encoding="utf-8"))
    artifacts, work = Path(args.artifacts), Path(args.work)
    artifacts.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    config_file = write_config(work, world, args.backend, args.config_extra)
    from kiosk.config import load_config
    from kiosk.window import configure_window

    config = load_config(config_file)
    configure_window(config)
    from kiosk.app import create_app
    from tests.e2e.scenarios import SCENARIOS
    from tests.kiosk import harness
    from tests.kiosk.scenarios import Stage

    app = create_app(config)
    stage = Stage(app=app, world=world, artifacts=artifacts, work=work, backend_url=args.backend)
    stage.facts_in = json.loads(args.facts)
    result: dict = {"ok": False}

    async def run() -> None:
        runner = asyncio.ensure_future(app.async_run(async_lib="asyncio"))
        try:
            await harness.wait_for(lambda: app.root is not None and app.sm.current, "app start")
            await harness.frames(3)
            await SCENARIOS[args.scenario](stage)
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
