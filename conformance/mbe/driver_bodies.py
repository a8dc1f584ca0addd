"""The driver server's side of the HTTP driver interface: bodies back into the contract's
values, and the software instance of the running scenario.

The inverse of `http_driver`'s body functions; bodies reach here already checked against
their schemas (`driver_schemas`), so a conversion cannot fail on a missing field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from conformance.mbe.driver import (
    Contact,
    MbeDriver,
    Medical,
    Patient,
    Session,
    Start,
    StopReport,
)

T = TypeVar("T")
Perform = Callable[["DriverHost", dict[str, Any], str], Any]


class NoSoftware(RuntimeError):
    """An action arrived while no software is open (no `POST /driver/open` before it)."""


def contact_from(body: dict[str, Any]) -> Contact:
    """A contact person from its JSON body."""
    return Contact(body["name"], body.get("phone"))


def start_from(body: dict[str, Any]) -> Start:
    """A begeleiding that starts, from its JSON body."""
    medical = body["medical"]
    return Start(
        insz=body["insz"],
        prescription_date=dt.date.fromisoformat(body["prescriptionDate"]),
        medical=Medical(
            medical["gpName"],
            medical["gpRiziv"],
            medical["diagnosis"],
            medical["referral"],
            medical["origin"],
        ),
        contact=contact_from(body["contact"]),
        accident_code=body.get("accidentCode", "none"),
    )


def stop_from(body: dict[str, Any]) -> StopReport:
    """A stop report from its JSON body."""
    return StopReport(
        day=dt.date.fromisoformat(body["day"]),
        reason=body["reason"],
        place_of_death=body.get("placeOfDeath"),
        non_billing_reason=body.get("nonBillingReason"),
        interventions=tuple((i["type"], i["count"]) for i in body.get("interventions", ())),
        first_line_contacts=tuple(
            (c["providerType"], c["interventionType"], c["count"])
            for c in body.get("firstLineContacts", ())
        ),
    )


class DriverHost:
    """The software behind the server: a fresh driver per scenario, from `open` to `close`.

    Actions run one at a time (a scenario is sequential; a second harness would interleave).
    The MBE's certificate and key arrive as PEM text and are written to a private folder, so
    that the driver gets file paths in its `Session` as in process; `close` removes them.
    """

    def __init__(self, factory: Callable[[], MbeDriver]) -> None:
        self.factory = factory
        self.driver: MbeDriver | None = None
        self.folder: Path | None = None
        self._lock = threading.Lock()

    def call(self, perform: Perform, body: dict[str, Any], insz: str) -> Any:
        """Perform one action alone."""
        with self._lock:
            return perform(self, body, insz)

    def current(self) -> MbeDriver:
        """The open software.

        Raises:
            NoSoftware: nothing was opened, or it was closed.
        """
        if self.driver is None:
            raise NoSoftware("no software is open; POST /driver/open comes first")
        return self.driver

    def open(self, body: dict[str, Any]) -> None:
        """Start a fresh instance as the MBE of `body` (closing one left open)."""
        self.close_quietly()
        session = self._session(body)
        driver = self.factory()
        self.driver = driver
        driver.open(session)

    def _session(self, body: dict[str, Any]) -> Session:
        certificate = key = None
        if body.get("certificatePem") or body.get("keyPem"):
            self.folder = Path(tempfile.mkdtemp(prefix="vsb-driver-"))  # mode 0700
            stem = f"mbe-{body['hco']}"  # the layout of `vsb certs`: ClientIdentity.load(stem)
            certificate = self._write(f"{stem}.pem", body.get("certificatePem") or "")
            key = self._write(f"{stem}.key", body.get("keyPem") or "")
        return Session(
            hco=body["hco"],
            url=body.get("centralUrl"),
            certificate=certificate,
            key=key,
            audience=body.get("audience") or "vsb-central",
        )

    def _write(self, name: str, text: str) -> str:
        assert self.folder is not None
        path = self.folder / name
        path.touch(0o600)
        path.write_text(text, "utf-8")
        return str(path)

    def close(self) -> None:
        """Stop the software (nothing to do when none is open) and forget its files."""
        driver, self.driver = self.driver, None
        try:
            if driver is not None:
                driver.close()
        finally:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder = None

    def close_quietly(self) -> None:
        """`close`, ignoring what the software raises: it is going away anyway."""
        with contextlib.suppress(Exception):  # a failed close must not block the next open
            self.close()


def _on(action: Callable[[MbeDriver], T]) -> Perform:
    return lambda host, body, insz: action(host.current())


PERFORM: dict[str, Perform] = {
    "open": lambda host, body, insz: host.open(body),
    "set_clock": lambda host, body, insz: host.current().set_clock(
        dt.datetime.fromisoformat(body["now"])
    ),
    "register_patient": lambda host, body, insz: host.current().register_patient(
        Patient(body["insz"], body["firstName"], body["lastName"])
    ),
    "start_begeleiding": lambda host, body, insz: host.current().start_begeleiding(
        start_from(body)
    ),
    "change_contact": lambda host, body, insz: host.current().change_contact(
        insz, contact_from(body)
    ),
    "change_accident_code": lambda host, body, insz: host.current().change_accident_code(
        insz, body["code"]
    ),
    "cancel": lambda host, body, insz: host.current().cancel(insz),
    "stop": lambda host, body, insz: host.current().stop(insz, stop_from(body)),
    "read_feed": _on(lambda driver: driver.read_feed()),
    "run_monthly_billing": _on(lambda driver: driver.run_monthly_billing()),
    "billed_to_health_insurer": _on(lambda driver: {"insz": driver.billed_to_health_insurer()}),
    "close": lambda host, body, insz: host.close(),
}
"""What each action of the contract does to the open software, by `MbeDriver` method name."""
