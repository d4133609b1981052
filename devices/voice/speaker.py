"""Saying prompts on a worker thread, so the caller (the kiosk's UI thread) never waits.

One prompt is spoken at a time. A prompt asked for while another is speaking waits; a newer one
replaces a waiting one that was never started (only the latest state of the screen is worth
saying). :meth:`Speaker.say` with ``interrupt=True`` and :meth:`Speaker.stop` end the prompt
being spoken at once by ending its process. A program that cannot be run is logged and the
speaker falls silent; it never raises into its caller.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
from collections import deque
from pathlib import Path

from devices.voice.engines import Engine

log = logging.getLogger(__name__)
HISTORY = 100


class Speaker:
    """Speaks through ``engine``; ``None`` is the silent speaker (voice off or no engine).

    ``wav_folder``: write each prompt to ``NNNN.wav`` there instead of the sound card (for a
    machine without one, and for tests that check what the engine really made).
    ``problem`` is a Chinese line for the kiosk's status ("" when all is well).
    """

    def __init__(
        self, engine: Engine | None, *, wav_folder: Path | None = None, problem: str = ""
    ) -> None:
        self.engine = engine
        self.wav_folder = wav_folder
        self.problem = problem
        #: What the speaker was asked to say, oldest first (bounded).
        self.asked: deque[str] = deque(maxlen=HISTORY)
        #: Prompts the engine finished, with the WAV file when ``wav_folder`` is set.
        self.spoken: deque[tuple[str, Path | None]] = deque(maxlen=HISTORY)
        self._lock = threading.Condition()
        self._pending: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._busy = False
        self._cut = False  # the current prompt was ended on purpose
        self._closed = False
        self._count = 0
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.engine is not None

    def say(self, text: str, *, interrupt: bool = False) -> None:
        """Queue ``text``, replacing a prompt not yet begun; ``interrupt``: also end the one
        being spoken."""
        if self.engine is None or not text:
            return
        with self._lock:
            if self._closed:
                return
            self.asked.append(text)
            self._pending = text
            if interrupt:
                self._end_process()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
                self._thread.start()
            self._lock.notify_all()

    def stop(self) -> None:
        """Say nothing more of what was asked so far (the member left, the screen changed)."""
        with self._lock:
            self._pending = None
            self._end_process()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._pending = None
            self._end_process()
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait_idle(self, timeout: float) -> bool:
        """Until nothing is waiting or speaking (tests, shutting down); False on timeout."""
        with self._lock:
            return self._lock.wait_for(
                lambda: self._pending is None and not self._busy, timeout=timeout
            )

    def _end_process(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._cut = True
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                if os.name == "posix":  # the engine's own children too (a wrapper script's)
                    os.killpg(self._process.pid, signal.SIGKILL)
                else:
                    self._process.kill()

    def _run(self) -> None:
        while True:
            with self._lock:
                self._lock.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                text, self._pending = self._pending, None
                self._busy = True
                assert text is not None
                started = self._start(text)
            if started is not None:
                self._finish(text, *started)
            with self._lock:
                self._process = None
                self._busy = False
                self._lock.notify_all()

    def _start(self, text: str) -> tuple[subprocess.Popen[bytes], Path | None] | None:
        """Start the engine for ``text`` (under the lock, so ``stop`` sees the process)."""
        assert self.engine is not None
        wav = None
        if self.wav_folder is not None:
            self._count += 1
            wav = self.wav_folder / f"{self._count:04d}.wav"
        command = self.engine.command(text, wav)
        self._cut = False
        try:
            if wav is not None:
                wav.parent.mkdir(parents=True, exist_ok=True)
            self._process = subprocess.Popen(
                command.args,
                env={**os.environ, **command.env},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            log.warning("voice engine %s cannot run, speaking no more: %s", command.args[0], exc)
            self.engine = None
            self.problem = NOT_RUNNING
            return None
        return self._process, wav

    def _finish(self, text: str, process: subprocess.Popen[bytes], wav: Path | None) -> None:
        _out, err = process.communicate()
        if process.returncode == 0:
            self.spoken.append((text, wav))
        elif not self._cut:
            detail = err.decode("utf-8", "replace").strip()[-300:]
            log.warning("voice engine exited with %s: %s", process.returncode, detail)


NOT_RUNNING = "语音提示暂时不可用（语音程序无法运行），请联系工作人员"
