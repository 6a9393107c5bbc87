"""Progress bars for long commands: shown on a terminal, silent under cron or systemd."""

import sys
from collections.abc import Iterable
from typing import Any, TextIO

from tqdm import tqdm


def bar(
    iterable: Iterable[Any] | None = None, *, stream: TextIO | None = None, **kwargs: Any
) -> Any:
    """tqdm on `stream` (stderr) when it is a terminal; otherwise the iterable as it is
    (or a bar that draws nothing), so cron mail and the journal get no control codes."""
    stream = stream or sys.stderr
    disable = not (hasattr(stream, "isatty") and stream.isatty())
    return tqdm(iterable, file=stream, disable=disable, dynamic_ncols=True, **kwargs)
