"""``python -m kiosk [--config PATH] [--mode MODE]``: start the touch kiosk (or the counter)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk", description="党员服务大厅触摸查询机")
    parser.add_argument("--config", help="配置文件（TOML），默认 data/kiosk/kiosk.toml")
    parser.add_argument(
        "--mode", choices=("member", "board", "both", "counter"), help="覆盖配置文件中的运行模式"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our arguments are not Kivy's

    from kiosk.config import ConfigError, config_path, load_config

    try:
        config = load_config(config_path(args.config))
        if args.mode:
            config = dataclasses.replace(config, mode=args.mode)
    except ConfigError as exc:
        print(f"配置有误：{exc}", file=sys.stderr)
        return 2
    if not config.device_key:
        print(
            "未配置设备密钥：请先运行 flask --app backend demo-data（演示）或 register-device，"
            "把密钥写入 data/instance/kiosk-device.key 或配置文件的 [backend] device_key。",
            file=sys.stderr,
        )
        return 2

    from kiosk.window import configure_window

    configure_window(config)
    from devices.errors import DeviceError
    from kiosk.app import create_app

    try:
        app = create_app(config)
    except DeviceError as exc:  # e.g. a printer whose driver is missing on this machine
        print(f"设备无法使用：{exc}", file=sys.stderr)
        return 2
    app.run()
    return app.exit_status  # MAINTENANCE_EXIT_STATUS after the maintenance PIN (docs/kiosk.md)


if __name__ == "__main__":
    sys.exit(main())
