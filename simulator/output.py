"""Deterministic JSON Lines writers: one file per stream, sorted keys, one envelope per line.

Every line is ``{"at": <simulated moment>, "body": <document>}``; the body is the message,
answer, decision, settlement or payment order exactly as sent, valid against its schema.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import IO, Any

from vsb.clock import BRUSSELS

__all__ = ["STREAMS", "Recorder", "dumps"]

STREAMS = ("messages", "answers", "decisions", "settlements", "payment-orders", "ground-truth")


def dumps(document: object) -> str:
    """One compact JSON text with sorted keys (the same bytes for the same document)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def stamp(moment: dt.datetime) -> str:
    """The ISO text of a simulated moment, to the second, in Brussels winter time."""
    return moment.replace(microsecond=0, tzinfo=BRUSSELS).isoformat()


class Recorder:
    """Writes the streams of one run to a folder, or keeps them in memory (folder None)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.memory: dict[str, list[str]] = {name: [] for name in STREAMS}
        self._files: dict[str, IO[str]] = {}
        self._last: tuple[dt.datetime | None, str] = (None, "")
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for name in STREAMS:
                self._files[name] = (folder / f"{name}.jsonl").open("w", encoding="utf-8")

    def write(self, stream: str, moment: dt.datetime, body: dict[str, Any]) -> None:
        """Append one document to a stream."""
        if moment != self._last[0]:  # a message and its ground truth share their moment
            self._last = (moment, stamp(moment))
        line = dumps({"at": self._last[1], "body": body})
        if self.folder is None:
            self.memory[stream].append(line)
        else:
            self._files[stream].write(line + "\n")

    def close(self) -> None:
        """Flush and close the files."""
        for handle in self._files.values():
            handle.close()

    def lines(self, stream: str) -> list[str]:
        """The lines of a stream (from memory, or read back from the folder)."""
        if self.folder is None:
            return list(self.memory[stream])
        return (self.folder / f"{stream}.jsonl").read_text(encoding="utf-8").splitlines()
