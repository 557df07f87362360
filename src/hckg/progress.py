"""Progress of long operations: a bar on a terminal's stderr, nothing at all otherwise.

Library functions take a ``progress`` argument (default ``NO_PROGRESS``) and report stages through it;
only the command line passes ``terminal_progress()``, so the library itself never writes.
"""

import os
import sys
import time
from contextlib import contextmanager

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1


class Stage:
    """One stage of work with a known total (or None); ``advance`` moves it on."""

    def __init__(self, label: str, total: int | None):
        self.label, self.total, self.done = label, total, 0

    def advance(self, amount: int = 1) -> None:
        self.done += amount


class Progress:
    """Receives stages of work and does nothing with them; the base of every progress reporter."""

    @contextmanager
    def stage(self, label: str, total: int | None = None):
        yield Stage(label, total)


NO_PROGRESS = Progress()


class _DrawnStage(Stage):
    def __init__(self, label: str, total: int | None, stream):
        super().__init__(label, total)
        self.stream, self.started, self.drawn_at = stream, time.monotonic(), 0.0

    def advance(self, amount: int = 1) -> None:
        super().advance(amount)
        now = time.monotonic()
        if now - self.drawn_at >= REDRAW_SECONDS:
            self.drawn_at = now
            self.draw(now)

    def draw(self, now: float) -> None:
        elapsed = f"{now - self.started:.1f}s"
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = round(share * BAR_WIDTH)
            line = f"{self.label} [{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {share:4.0%} {elapsed}"
        else:
            line = f"{self.label} … {self.done} {elapsed}"
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()


class TerminalProgress(Progress):
    """Draws one line per stage on ``stream``, redrawn at most every 0.1 s; clears it when done."""

    def __init__(self, stream):
        self.stream = stream

    @contextmanager
    def stage(self, label: str, total: int | None = None):
        drawn = _DrawnStage(label, total, self.stream)
        drawn.draw(drawn.started)
        try:
            yield drawn
        finally:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def terminal_progress(stream=None) -> Progress:
    """A bar on ``stream`` (default stderr) if it is a terminal and HCKG_PROGRESS is not 0; else silence."""
    stream = stream or sys.stderr
    if os.environ.get("HCKG_PROGRESS", "1") == "0" or not stream.isatty():
        return NO_PROGRESS
    return TerminalProgress(stream)
