"""Writing a pod's logs to disk: one MTGO text log per seat and the pod's JSON log.

The engine returns text (:mod:`bot.draft.mtgo_log`, :mod:`bot.draft.exports`); this is the one
place that turns it into files, shared by the bot at the end of a pod and ``draftpod simulate``.
Every file is written atomically (a temporary file, then ``os.replace``), so a crash never leaves
half a log that a log reader would choke on.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from bot.draft.exports import pod_log_json
from bot.draft.mtgo_log import build_mtgo_log, format_mtgo_log, mtgo_log_filename
from bot.draft.pod import Pod


def write_pod_logs(pod: Pod, logs_dir: Path, *, event: str, started_at: datetime) -> list[Path]:
    """One MTGO log per seat and the pod's JSON log in ``logs_dir``; the paths written."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for seat in range(len(pod.seats)):
        log = build_mtgo_log(pod, seat, event=event, started_at=started_at)
        path = mtgo_log_path(pod, seat, logs_dir, event=event, started_at=started_at)
        write_atomically(path, format_mtgo_log(log))
        written.append(path)
    written.append(pod_log_path(pod, logs_dir, event=event, started_at=started_at))
    write_atomically(written[-1], pod_log_json(pod, event=event, started_at=started_at))
    return written


def mtgo_log_path(pod: Pod, seat: int, logs_dir: Path, *, event: str, started_at: datetime) -> Path:
    """Where :func:`write_pod_logs` puts the MTGO log of ``seat``."""
    codes = [pod.card_set.code] * pod.packs_per_seat
    return logs_dir / mtgo_log_filename(pod.seats[seat].name, started_at.date(), event, codes)


def pod_log_path(pod: Pod, logs_dir: Path, *, event: str, started_at: datetime) -> Path:
    codes = [pod.card_set.code] * pod.packs_per_seat
    stem = Path(mtgo_log_filename("draftpod", started_at.date(), event, codes)).stem
    return logs_dir / f"{stem}.json"


def write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
