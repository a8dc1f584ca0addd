"""Builders for billing tests: a registry of many members, accepted requests, shipments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from vsb.clock import FixedClock
from vsb.engine import CentralApplication
from vsb.mbes import load_mbes
from vsb.synthetic import sample_request, synthetic_registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MBE = "76310195930"  # tariff 2900.00 full, 1450.00 reduced until 2024-10-31
OTHER_MBE = "76310294930"
FULL = "773172"
REDUCED = "773194"
START = dt.date(2024, 3, 1)


@dataclass
class Billing:
    """An application with `patients` accepted begeleidingen at MBE, all members of 180."""

    app: CentralApplication
    clock: FixedClock
    patients: list[tuple[str, str]]  # (insz, VSB reference)
    counter: list[int] = field(default_factory=lambda: [0])

    def next_id(self, prefix: str) -> str:
        self.counter[0] += 1
        return f"{prefix}-{self.counter[0]}"

    def invoice(
        self,
        patient: int,
        *,
        number: str | None = None,
        code: str = FULL,
        amount: str = "2900.00",
        date: dt.date = START,
        share: str = "0.00",
        reference: str | None = None,
        insz: str | None = None,
    ) -> dict[str, Any]:
        """An original invoice with one forfait line for patient `patient`."""
        own_insz, own_reference = self.patients[patient]
        return {
            "invoiceNumber": number or self.next_id("F"),
            "type": "original",
            "insz": insz or own_insz,
            "vsbReference": reference or own_reference,
            "lines": [
                {
                    "lineNumber": 1,
                    "code": code,
                    "prestationDate": date.isoformat(),
                    "amount": amount,
                    "personalShare": share,
                }
            ],
        }

    def credit(
        self, patient: int, credited: str, amount: str = "2900.00", line: int = 1
    ) -> dict[str, Any]:
        """A credit note crediting line `line` of invoice `credited`."""
        insz, reference = self.patients[patient]
        return {
            "invoiceNumber": self.next_id("C"),
            "type": "credit-note",
            "insz": insz,
            "vsbReference": reference,
            "creditedInvoice": credited,
            "lines": [
                {
                    "lineNumber": 1,
                    "creditedLine": line,
                    "code": FULL,
                    "prestationDate": START.isoformat(),
                    "amount": amount,
                    "personalShare": "0.00",
                }
            ],
        }

    def shipment(
        self,
        invoices: list[dict[str, Any]],
        *,
        send: dt.date | None = None,
        zorgkas: int = 180,
        mbe: str = MBE,
    ) -> dict[str, Any]:
        """A shipment with correct totals, sent today unless `send` says otherwise."""
        send = send or self.clock.now().date()
        total = sum(
            (-1 if i["type"] == "credit-note" else 1) * Decimal(line["amount"])
            for i in invoices
            for line in i["lines"]
        )
        return {
            "kind": "shipment",
            "messageId": self.next_id("S"),
            "mbe": mbe,
            "zorgkas": zorgkas,
            "shipmentNumber": f"001/{send:%Y%m}",
            "sendDate": send.isoformat(),
            "totals": {
                "invoices": len(invoices),
                "lines": sum(len(i["lines"]) for i in invoices),
                "amount": f"{total:.2f}",
            },
            "invoices": invoices,
        }

    def stop(self, patient: int, **extra: Any) -> dict[str, Any]:
        """Stop a patient's begeleiding five days after START (`extra`: more stop fields);
        returns the answer."""
        stop = {
            "date": (START + dt.timedelta(days=5)).isoformat(),
            "reason": "stabilised",
            "interventions": [],
            "firstLineContacts": [],
            **extra,
        }
        message = {
            "kind": "stop",
            "messageId": self.next_id("X"),
            "mbe": MBE,
            "vsbReference": self.patients[patient][1],
            "stop": stop,
        }
        return self.app.handle(message)

    def clean(self, patients: range) -> list[dict[str, Any]]:
        """Correct invoices for a range of patients."""
        return [self.invoice(p) for p in patients]


def request(insz: str, start: dt.date, message_id: str, mbe: str = MBE) -> dict[str, Any]:
    """A correct request of type new."""
    return sample_request(mbe, insz, start, message_id)


def billing_app(
    patients: int = 40,
    deaths: dict[int, dt.date] | None = None,
    zorgkassen: dict[int, int] | None = None,
) -> Billing:
    """`patients` members (of zorgkas 180 unless `zorgkassen` says otherwise), each with an
    accepted begeleiding from START."""
    snapshot = synthetic_registry(patients, zorgkassen, deaths)
    people = snapshot.persons
    clock = FixedClock(START + dt.timedelta(days=3))
    app = CentralApplication(clock=clock)
    app.store.load_registry(snapshot)
    app.store.load_mbes(load_mbes(FIXTURES / "mbes.toml"))
    accepted = []
    for index, person in enumerate(people):
        answer = app.handle(request(person.insz, START, f"r-{index}"))
        assert answer["outcome"] == "accepted", answer
        accepted.append((person.insz, answer["vsbReference"]))
    clock.set(dt.date(2024, 3, 10))
    return Billing(app, clock, accepted)


def errors_of(settlement: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every error of a settlement as (type, requirement, pointer), shipment level first."""
    found = [(e["type"], e["requirement"], e["pointer"]) for e in settlement["errors"]]
    for invoice in settlement["invoices"]:
        found += [(e["type"], e["requirement"], e["pointer"]) for e in invoice["errors"]]
        for line in invoice["lines"]:
            found += [(e["type"], e["requirement"], e["pointer"]) for e in line["errors"]]
    return found


def statuses(settlement: dict[str, Any]) -> list[str]:
    """The status of every invoice, in order."""
    return [invoice["status"] for invoice in settlement["invoices"]]
