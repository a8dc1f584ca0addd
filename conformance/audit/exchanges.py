"""Pair the recorded documents: every MBE message with the central application's answers.

An answer names the message it replies to by id (`inReplyTo`). Answers name no MBE, so an
answer goes to the earliest message with that id, sent at or before it, that has no answer
yet; a settlement names its MBE and must match it. Final decisions and signed settlements come
later and go to the latest such message sent before them. Payment orders answer no message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.audit.traffic import MBE_KINDS, Document

__all__ = ["Exchange", "Judged", "Traffic", "pair"]


@dataclass
class Exchange:
    """One MBE message and what the central application recorded about it."""

    message: Document
    answer: Document | None = None  # answer, insurance-status answer or first settlement
    decision: Document | None = None  # the final decision on a message under review
    signed: Document | None = None  # the signed settlement of a shipment

    @property
    def mbe(self) -> str:
        """The MBE that sent the message."""
        mbe: str = self.message.body["mbe"]
        return mbe

    @property
    def message_id(self) -> str:
        """The message's id."""
        message_id: str = self.message.body["messageId"]
        return message_id

    @property
    def kind(self) -> str:
        """The message's kind."""
        return self.message.kind

    def processed_at(self) -> dt.datetime:
        """When the central application processed it: its answer's moment, else its own."""
        return (self.answer or self.message).at


@dataclass(frozen=True)
class Judged:
    """One exchange as the audit judges it: the message as processed, the answers that judge
    it (the reference's on replay, else the recorded ones) and when it was processed."""

    exchange: Exchange
    body: dict[str, Any]
    documents: tuple[dict[str, Any], ...]
    processed_at: dt.datetime


@dataclass
class Traffic:
    """The exchanges in the order the messages were sent, and what could not be paired."""

    exchanges: list[Exchange]
    unpaired: list[Document] = field(default_factory=list)  # answers to no message here
    central_documents: int = 0

    def staff_actions(self) -> list[tuple[Exchange, Document]]:
        """The recorded final decisions and signatures, each with its exchange."""
        found = [(e, e.decision) for e in self.exchanges if e.decision is not None]
        found += [(e, e.signed) for e in self.exchanges if e.signed is not None]
        return found


def _order(document: Document) -> tuple[dt.datetime, int]:
    return document.at, document.seq


class _Index:
    """The exchanges by message id, in sending order."""

    def __init__(self, exchanges: list[Exchange]) -> None:
        self.by_id: dict[str, list[Exchange]] = {}
        for exchange in exchanges:
            self.by_id.setdefault(exchange.message_id, []).append(exchange)

    def first_unanswered(self, document: Document, mbe: str | None) -> Exchange | None:
        for exchange in self.by_id.get(document.body["inReplyTo"], ()):
            if (
                exchange.answer is None
                and exchange.message.at <= document.at
                and mbe in (None, exchange.mbe)
                and _answers(document.kind, exchange.kind)
            ):
                return exchange
        return None

    def latest(self, document: Document, kind: str | None, mbe: str | None) -> Exchange | None:
        found = None
        for exchange in self.by_id.get(document.body["inReplyTo"], ()):
            if exchange.message.at > document.at:
                break
            if (kind is None or exchange.kind == kind) and mbe in (None, exchange.mbe):
                found = exchange
        return found


def _answers(answer: str, message: str) -> bool:
    """Whether a document of kind `answer` can be the first answer to a `message`."""
    if message == "shipment":
        return answer == "settlement"
    # a query that breaks its schema gets a refusal (an `answer`), not a status
    return answer == "answer" or (answer, message) == (
        "insurance-status-answer",
        "insurance-status-query",
    )


def _attach(index: _Index, document: Document) -> bool:
    """Attach one central document to its exchange; False when it answers none here."""
    body = document.body
    if document.kind == "final-decision":
        exchange = index.latest(document, None, None)
        if exchange is None or exchange.decision is not None:
            return False
        exchange.decision = document
        return True
    if document.kind == "settlement" and body["status"] == "signed":
        exchange = index.latest(document, "shipment", body["mbe"])
        if exchange is None or exchange.signed is not None:
            return False
        exchange.signed = document
        return True
    mbe = body["mbe"] if document.kind == "settlement" else None
    exchange = index.first_unanswered(document, mbe)
    if exchange is None:
        return False
    exchange.answer = document
    return True


def pair(documents: Iterable[Document]) -> Traffic:
    """Pair every central document with the message it answers."""
    messages: list[Document] = []
    central: list[Document] = []
    for document in documents:
        (messages if document.kind in MBE_KINDS else central).append(document)
    exchanges = [Exchange(message) for message in sorted(messages, key=_order)]
    index = _Index(exchanges)
    traffic = Traffic(exchanges)
    for document in sorted(central, key=_order):
        if document.kind == "payment-order":
            continue
        traffic.central_documents += 1
        if not _attach(index, document):
            traffic.unpaired.append(document)
    return traffic
