"""Read recorded traffic: JSON Lines of ``{"at": moment, "body": document}``, checked as read.

The format is the simulator's (docs/simulator.md, docs/audit.md). Only what the audit reads is
required: the moment, the body's `kind`, who sent a message and its id, what an answer replies
to and the requirements it names. A message that breaks its own schema is not a broken file:
the central application refuses it (REQ-MSG-SCHEMA), and that is a finding of the audit.
Everything else that is missing or of the wrong type is a TrafficError naming the file, the
line and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsb.clock import BRUSSELS
from vsb.schemas import INBOUND_KINDS

__all__ = [
    "CENTRAL_KINDS",
    "COMPANIONS",
    "MBE_KINDS",
    "Document",
    "TrafficError",
    "read_file",
    "read_traffic",
]

MBE_KINDS = frozenset(INBOUND_KINDS)
CENTRAL_KINDS = frozenset(
    ("answer", "insurance-status-answer", "final-decision", "settlement", "payment-order")
)
# What `vsb simulate --out DIR` writes beside messages.jsonl, read with it.
COMPANIONS = ("answers.jsonl", "decisions.jsonl", "settlements.jsonl")


class TrafficError(ValueError):
    """A line of recorded traffic the audit cannot read: the file, line, field and why."""

    def __init__(self, file: str, line: int, field: str, problem: str) -> None:
        self.file, self.line, self.field, self.problem = file, line, field, problem
        where = f"{file} line {line}" if line else file
        super().__init__(f"{where}, field {field}: {problem}" if field else f"{where}: {problem}")


@dataclass(frozen=True)
class Document:
    """One recorded document: where it was read, its moment and its body."""

    file: str
    line: int
    at: dt.datetime
    body: dict[str, Any]
    seq: int  # reading order, which breaks ties between documents of one moment

    @property
    def kind(self) -> str:
        """The body's kind."""
        kind: str = self.body["kind"]
        return kind


class _Line:
    """One line being checked: raises TrafficError at its file and line."""

    def __init__(self, file: str, number: int) -> None:
        self.file, self.number = file, number

    def fail(self, field: str, problem: str) -> TrafficError:
        return TrafficError(self.file, self.number, field, problem)

    def need(self, value: object, field: str, kind: type, optional: bool = False) -> Any:
        """The value at `field`, which must be of `kind` (None allowed when optional)."""
        if value is None and optional:
            return None
        if value is None:
            return self._raise(field, "missing")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = {str: "a string", int: "a whole number", dict: "an object", list: "a list"}
            return self._raise(field, f"must be {names.get(kind, kind.__name__)} (got {value!r})")
        return value

    def _raise(self, field: str, problem: str) -> Any:
        raise self.fail(field, problem)


def _moment(line: _Line, value: object) -> dt.datetime:
    text = line.need(value, "at", str)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise line.fail("at", f"not an ISO date and time (got {text!r})") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BRUSSELS)
    return moment.astimezone(BRUSSELS)  # the engine's days are Brussels days


def _errors(line: _Line, body: dict[str, Any], path: str) -> None:
    for i, error in enumerate(line.need(body.get("errors"), f"{path}.errors", list, True) or ()):
        where = f"{path}.errors[{i}]"
        line.need(line.need(error, where, dict).get("requirement"), f"{where}.requirement", str)


def _review(line: _Line, body: dict[str, Any], path: str) -> None:
    review = line.need(body.get("review"), f"{path}.review", dict, True)
    if review is not None:
        line.need(review.get("requirement"), f"{path}.review.requirement", str)


def _settlement(line: _Line, body: dict[str, Any]) -> None:
    for key in ("mbe", "settlementId", "status"):
        line.need(body.get(key), f"body.{key}", str)
    for i, invoice in enumerate(line.need(body.get("invoices"), "body.invoices", list)):
        path = f"body.invoices[{i}]"
        invoice = line.need(invoice, path, dict)
        line.need(invoice.get("invoiceNumber"), f"{path}.invoiceNumber", str)
        _errors(line, invoice, path)
        for j, entry in enumerate(line.need(invoice.get("lines"), f"{path}.lines", list)):
            where = f"{path}.lines[{j}]"
            entry = line.need(entry, where, dict)
            line.need(entry.get("lineNumber"), f"{where}.lineNumber", int)
            line.need(entry.get("status"), f"{where}.status", str)
            _errors(line, entry, where)
            _review(line, entry, where)
    if body["status"] == "signed":
        signed = line.need(body.get("signedBy"), "body.signedBy", dict)
        line.need(signed.get("zorgkas"), "body.signedBy.zorgkas", int)
        line.need(signed.get("staff"), "body.signedBy.staff", str)


def _check_body(line: _Line, body: dict[str, Any]) -> None:
    kind = line.need(body.get("kind"), "body.kind", str)
    if kind in MBE_KINDS:
        line.need(body.get("messageId"), "body.messageId", str)
        line.need(body.get("mbe"), "body.mbe", str)
        return
    if kind not in CENTRAL_KINDS:
        known = ", ".join(sorted(MBE_KINDS | CENTRAL_KINDS))
        raise line.fail("body.kind", f"unknown kind {kind!r} (known: {known})")
    if kind == "payment-order":
        return  # read by no check
    line.need(body.get("inReplyTo"), "body.inReplyTo", str)
    if kind == "insurance-status-answer":
        line.need(body.get("status"), "body.status", str)
    elif kind == "settlement":
        _errors(line, body, "body")
        _settlement(line, body)
    else:  # answer, final-decision
        line.need(body.get("outcome"), "body.outcome", str)
        _errors(line, body, "body")
        _review(line, body, "body")
    if kind == "final-decision":
        decided = line.need(body.get("decidedBy"), "body.decidedBy", dict)
        line.need(decided.get("zorgkas"), "body.decidedBy.zorgkas", int)
        line.need(decided.get("staff"), "body.decidedBy.staff", str)


def _parse(line: _Line, text: str, seq: int) -> Document:
    try:
        envelope = json.loads(text)
    except json.JSONDecodeError as exc:
        raise line.fail("", f"not JSON ({exc.msg} at column {exc.colno})") from None
    envelope = line.need(envelope, "(line)", dict)
    moment = _moment(line, envelope.get("at"))
    body = line.need(envelope.get("body"), "body", dict)
    _check_body(line, body)
    return Document(line.file, line.number, moment, body, seq)


def read_file(path: Path, start: int = 0) -> list[Document]:
    """Every document of one JSON Lines file (blank lines skipped); `start` numbers them.

    Raises:
        TrafficError: the file cannot be read, or a line is not a document the audit reads.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TrafficError(str(path), 0, "", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TrafficError(str(path), 0, "", f"cannot be read ({exc})") from None
    documents: list[Document] = []
    for number, content in enumerate(text.splitlines(), start=1):
        if content.strip():
            documents.append(_parse(_Line(str(path), number), content, start + len(documents)))
    return documents


def input_files(paths: list[Path]) -> list[Path]:
    """The files to read: those given, and beside a `messages.jsonl` the simulator's other
    streams of messages' answers (`COMPANIONS`) that exist and were not given."""
    files = list(paths)
    for path in paths:
        if path.name == "messages.jsonl":
            for name in COMPANIONS:
                companion = path.with_name(name)
                if companion.is_file() and companion not in files:
                    files.append(companion)
    return files


def read_traffic(paths: list[Path]) -> Iterator[Document]:
    """Every document of the input files, in reading order (see `input_files`)."""
    seq = 0
    for path in input_files(paths):
        documents = read_file(path, seq)
        seq += len(documents)
        yield from documents
