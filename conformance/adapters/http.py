"""Any central application over HTTP: the endpoints of `docs/openapi.json` and its test control.

One keep-alive `httpx.Client` per adapter. Every call carries a fresh client assertion of the
caller's certificate: MBE `X` uses `<cert_dir>/mbe-X.pem/.key`, staff `S` of zorgkas `K`
`<cert_dir>/staff-K-S.pem/.key`, as `vsb certs` writes them; without that file the adapter
issues a certificate with the test CA (`ca.pem` and `ca.key`), so scenarios may name any MBE.

Answers come back as they are: a 4xx problem is a normal `Reply` that the steps judge. Only a
target that cannot be reached, does not answer in time or answers something other than JSON
raises `TargetUnavailable`; so does a test-control call that is not answered 2xx (the target
has no test control, or refused the scenario's data). A target whose test control needs a token
(`vsb serve --test-control-token`) gets `$VSB_TEST_CONTROL_TOKEN` on every test-control call.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from conformance.adapters.base import Decision, Reply, TargetUnavailable, Transcript
from conformance.adapters.control import clock_body, mbes_body, registry_body
from vsb.mbes import Mbe
from vsb.membership import RegistrySnapshot
from vsb.serve.certs import ClientIdentity, Issued, issue, staff_subject

PATHS = {
    "insurance-status-query": "/v1/insurance-status",
    "request": "/v1/requests",
    "cancel-request": "/v1/changes",
    "admin-change": "/v1/changes",
    "stop": "/v1/changes",
    "cancel-stop": "/v1/changes",
    "shipment": "/v1/shipments",
}
"""The endpoint of each message kind; any other message goes to /v1/requests to be judged."""

FEED_PAGE = 100


def _ca_stem(ca: str) -> Path:
    path = Path(ca)
    return path.with_suffix("") if path.suffix in (".pem", ".key") else path


class HttpCentral:
    """A `CentralUnderTest` reached over HTTP at `url`."""

    def __init__(
        self,
        url: str,
        ca: str | None,
        cert_dir: str | None,
        audience: str = "vsb-central",
        timeout: float = 10.0,
        control_token: str | None = None,
    ) -> None:
        token = control_token or os.environ.get("VSB_TEST_CONTROL_TOKEN")
        self._control = f"Bearer {token}" if token else None
        self.target = url
        self.transcript = Transcript()
        self.audience = audience
        self.cert_dir = Path(cert_dir) if cert_dir else None
        self.ca_stem = _ca_stem(ca) if ca else None
        self._ca: Issued | None = None
        self._identities: dict[str, ClientIdentity] = {}
        self.client = httpx.Client(base_url=url.rstrip("/"), timeout=timeout)

    # -- identities ----------------------------------------------------------------------------

    def _identity(self, stem: str, subject: str, name: str) -> ClientIdentity:
        cached = self._identities.get(stem)
        if cached is not None:
            return cached
        if self.cert_dir and (self.cert_dir / f"{stem}.key").is_file():
            try:
                identity = ClientIdentity.load(self.cert_dir / stem)
            except (OSError, ValueError) as exc:
                raise TargetUnavailable(
                    f"cannot read {self.cert_dir / stem}.pem/.key: {exc}"
                ) from None
        else:
            identity = ClientIdentity(issue(self._authority(stem), subject, name))
        self._identities[stem] = identity
        return identity

    def _authority(self, stem: str) -> Issued:
        if self._ca is not None:
            return self._ca
        where = f"{self.cert_dir}/{stem}.pem" if self.cert_dir else f"{stem}.pem"
        if self.ca_stem is None or not self.ca_stem.with_suffix(".key").is_file():
            ca = f"no {self.ca_stem}.key" if self.ca_stem else "no CA"
            raise TargetUnavailable(
                f"no client certificate {where} and {ca} to issue one: pass --cert-dir "
                "(--vsb-cert-dir) with vsb certs' files or --ca (--vsb-ca) with ca.pem and ca.key"
            )
        try:
            self._ca = Issued.read(self.ca_stem)
        except (OSError, ValueError) as exc:
            raise TargetUnavailable(f"cannot read the CA {self.ca_stem}.pem/.key: {exc}") from None
        return self._ca

    def _mbe(self, hco: str) -> ClientIdentity:
        return self._identity(f"mbe-{hco}", hco, f"MBE {hco}")

    def _staff_identity(self, zorgkas: int, staff: str) -> ClientIdentity:
        return self._identity(
            f"staff-{zorgkas}-{staff}",
            staff_subject(zorgkas, staff),
            f"staff {staff} of zorgkas {zorgkas}",
        )

    # -- transport -----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        identity: ClientIdentity | None = None,
        params: dict[str, Any] | None = None,
        authorization: str | None = None,
    ) -> Reply:
        headers = identity.headers(self.audience) if identity else {}
        if authorization:
            headers["Authorization"] = authorization
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        where = f"{method} {self.target.rstrip('/')}{path}"
        try:
            response = self.client.request(
                method, path, content=content, headers=headers, params=params
            )
        except httpx.TimeoutException as exc:
            raise TargetUnavailable(
                f"{where}: no answer within {self.client.timeout.read} s ({type(exc).__name__})"
            ) from None
        except httpx.HTTPError as exc:
            raise TargetUnavailable(f"{where} failed: {type(exc).__name__}: {exc}") from None
        try:
            answer = response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            excerpt = response.text[:80].replace("\n", " ")
            raise TargetUnavailable(
                f"{where}: HTTP {response.status_code} answer is not JSON ({kind}): {excerpt!r}"
            ) from None
        return Reply(response.status_code, answer)

    def _setup(self, method: str, path: str, body: Any) -> Reply:
        reply = self._call(method, path, body, authorization=self._control)
        if not 200 <= reply.status < 300:
            detail = reply.field("detail") or reply.field("title") or str(reply.body)[:200]
            raise TargetUnavailable(
                f"test control {method} {path} answered HTTP {reply.status}: {detail} "
                "(the target has no test control, or refused the data)"
            )
        return reply

    # -- setup ---------------------------------------------------------------------------------

    def reset(self) -> None:
        sent = {"fixtures": False}
        self.transcript.add("harness", "reset", sent, self._setup("POST", "/test/reset", sent))

    def set_clock(self, moment: dt.datetime) -> None:
        sent = clock_body(moment)
        self.transcript.add("harness", "set clock", sent, self._setup("PUT", "/test/clock", sent))

    def load_registry(self, snapshot: RegistrySnapshot) -> None:
        self._setup("PUT", "/test/registry", registry_body(snapshot))

    def load_mbes(self, mbes: Sequence[Mbe]) -> None:
        if mbes:
            self._setup("POST", "/test/mbes", mbes_body(mbes))

    # -- MBE software --------------------------------------------------------------------------

    def send(self, sender: str, message: Any) -> Reply:
        kind = message.get("kind", "message") if isinstance(message, dict) else "message"
        path = PATHS.get(kind, "/v1/requests") if isinstance(kind, str) else "/v1/requests"
        reply = self._call("POST", path, message, self._mbe(sender))
        return self.transcript.add(f"MBE {sender}", f"send {kind}", message, reply)

    def feed(self, sender: str, after: int = 0) -> Reply:
        """Every item after the cursor: the pages of the service, followed to the end."""
        items: list[Any] = []
        cursor = after
        while True:
            params = {"after": cursor, "limit": FEED_PAGE}
            page = self._call("GET", "/v1/feed", None, self._mbe(sender), params)
            if page.problem or not isinstance(page.body, dict):
                return self.transcript.add(f"MBE {sender}", "read feed", {"after": after}, page)
            items += page.body.get("items") or []
            more = page.body.get("more") is True and page.body.get("next") != cursor
            cursor = page.body.get("next", cursor)
            if not more:
                break
        body = {"items": items, "next": cursor, "more": False}
        reply = Reply(page.status, body)
        return self.transcript.add(f"MBE {sender}", "read feed", {"after": after}, reply)

    # -- zorgkas staff -------------------------------------------------------------------------

    def _staff(
        self,
        zorgkas: int,
        staff: str,
        action: str,
        sent: Any,
        method: str,
        path: str,
        body: Any = None,
    ) -> Reply:
        identity = self._staff_identity(zorgkas, staff)
        reply = self._call(method, f"/v1/zorgkassen/{zorgkas}{path}", body, identity)
        return self.transcript.add(_who(zorgkas, staff), action, sent, reply)

    def review_queue(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(zorgkas, staff, "read review queue", None, "GET", "/reviews")

    def decide(
        self, zorgkas: int, staff: str, review_id: int, outcome: Decision, reason: str
    ) -> Reply:
        sent = {"reviewId": review_id, "outcome": outcome, "reason": reason}
        path = f"/reviews/{review_id}/decision"
        body = {"outcome": outcome, "reason": reason}
        return self._staff(zorgkas, staff, "decide review", sent, "POST", path, body)

    def billing_queue(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(
            zorgkas, staff, "read billing review queue", None, "GET", "/billing-reviews"
        )

    def decide_line(
        self, zorgkas: int, staff: str, review_id: int, outcome: Decision, reason: str
    ) -> Reply:
        sent = {"reviewId": review_id, "outcome": outcome, "reason": reason}
        path = f"/billing-reviews/{review_id}/decision"
        body = {"outcome": outcome, "reason": reason}
        return self._staff(zorgkas, staff, "decide line", sent, "POST", path, body)

    def unsigned_shipments(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(
            zorgkas, staff, "read unsigned shipments", None, "GET", "/unsigned-shipments"
        )

    def sign(self, zorgkas: int, staff: str, settlement_id: str) -> Reply:
        sent = {"settlementId": settlement_id}
        path = f"/settlements/{quote(settlement_id, safe='')}/signature"
        return self._staff(zorgkas, staff, "sign", sent, "POST", path)

    def payment_orders(self, zorgkas: int, staff: str) -> Reply:
        return self._staff(zorgkas, staff, "read payment orders", None, "GET", "/payment-orders")

    def record_payment(self, zorgkas: int, staff: str, order_id: str, paid_on: dt.date) -> Reply:
        sent = {"orderId": order_id, "paidOn": paid_on.isoformat()}
        path = f"/payment-orders/{quote(order_id, safe='')}/payment"
        body = {"paidOn": paid_on.isoformat()}
        return self._staff(zorgkas, staff, "record payment", sent, "POST", path, body)

    def close(self) -> None:
        self.client.close()


def _who(zorgkas: int, staff: str) -> str:
    return f"staff {staff} of zorgkas {zorgkas}"
