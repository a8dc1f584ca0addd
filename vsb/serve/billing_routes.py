"""The billing endpoints of zorgkas staff: line reviews, signing, payment orders, payments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vsb.schemas import SchemaViolation
from vsb.serve.bodies import schema_problem
from vsb.serve.components import message_ref
from vsb.serve.mbe_routes import service_of
from vsb.serve.params import known_query, path_id
from vsb.serve.problems import FieldError, invalid
from vsb.serve.service import json_response
from vsb.serve.staff_routes import staff_body, staff_call

_SETTLEMENT_ID = {"type": "string", "pattern": "^S-[0-9]{9}$"}
_ORDER_ID = {"type": "string", "pattern": "^P-[0-9]{9}$"}


async def line_reviews(request: Request) -> Response:
    """The prestation lines under review of the caller's zorgkas."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    service.staff(request, zorgkas)
    items = await staff_call(request, service.central.engine.billing_queue, zorgkas)
    return json_response({"items": [item.as_dict() for item in items]})


async def decide_line(request: Request) -> Response:
    """Approve or refuse a line under review; returns the updated settlement."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    staff = service.staff(request, zorgkas)
    review = path_id(request, "reviewId")
    body = await staff_body(request, "Decision")
    settlement = await staff_call(
        request,
        service.central.engine.decide_line,
        review,
        zorgkas,
        staff.staff,
        body["outcome"],
        body.get("reason", ""),
    )
    return json_response(settlement)


async def unsigned(request: Request) -> Response:
    """The settlements of the caller's zorgkas that wait for a signature."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    service.staff(request, zorgkas)
    ids = await staff_call(request, service.central.engine.unsigned_shipments, zorgkas)
    return json_response({"items": ids})


async def sign(request: Request) -> Response:
    """Sign a shipment: the settlement goes to the MBE's feed, a payment order is issued."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    staff = service.staff(request, zorgkas)
    settlement, order = await staff_call(
        request,
        service.central.engine.sign,
        request.path_params["settlementId"],
        zorgkas,
        staff.staff,
    )
    return json_response({"settlement": settlement, "paymentOrder": order})


async def payment_orders(request: Request) -> Response:
    """The payment orders of the caller's zorgkas (`unpaidOnly=true`: only unpaid ones)."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    service.staff(request, zorgkas)
    known_query(request, "unpaidOnly")
    flag = request.query_params.get("unpaidOnly", "false")
    if flag not in ("true", "false"):
        error = FieldError("/query/unpaidOnly", "type", "unpaidOnly is true or false")
        raise invalid(error.message, [error], 400)
    orders = await staff_call(
        request, service.central.engine.payment_orders, zorgkas, flag == "true"
    )
    return json_response({"items": orders})


async def pay(request: Request) -> Response:
    """Record that the zorgkas paid a payment order (staff who may: REQ-BL-SEPARATION-OF-DUTIES)."""
    zorgkas = path_id(request, "zorgkas")
    service = service_of(request)
    staff = service.staff(request, zorgkas)
    body = await staff_body(request, "Payment")
    try:
        paid_on = dt.date.fromisoformat(body["paidOn"])
    except ValueError:
        raise schema_problem(
            [SchemaViolation("/paidOn", "format", "paidOn must be a real date (YYYY-MM-DD)")],
            "payment",
        ) from None
    order = await staff_call(
        request,
        service.central.engine.record_payment,
        request.path_params["orderId"],
        zorgkas,
        paid_on,
        staff.staff,
    )
    return json_response(order)


def routes() -> list[Route]:
    """The billing routes of one zorgkas."""
    base = "/v1/zorgkassen/{zorgkas}"  # ids are parsed strictly by the handlers (path_id)
    return [
        Route(f"{base}/billing-reviews", line_reviews, methods=["GET"]),
        Route(f"{base}/billing-reviews/{{reviewId}}/decision", decide_line, methods=["POST"]),
        Route(f"{base}/unsigned-shipments", unsigned, methods=["GET"]),
        Route(f"{base}/settlements/{{settlementId}}/signature", sign, methods=["POST"]),
        Route(f"{base}/payment-orders", payment_orders, methods=["GET"]),
        Route(f"{base}/payment-orders/{{orderId}}/payment", pay, methods=["POST"]),
    ]


def billing_operations(base: str, zorgkas: dict[str, Any]) -> list[Any]:
    """The OpenAPI operations of the billing routes."""
    from vsb.serve.openapi import Operation

    def path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True, "schema": schema}

    def items(schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": schema}},
        }

    auth = (401, 403)
    body = (400, 413, 415, 422)
    review = path("reviewId", {"type": "integer", "minimum": 1, "maximum": 2**62})
    unpaid = {
        "name": "unpaidOnly",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["true", "false"]},
    }
    signed = {
        "type": "object",
        "required": ["settlement", "paymentOrder"],
        "properties": {
            "settlement": message_ref("settlement"),
            "paymentOrder": message_ref("payment-order"),
        },
    }
    return [
        Operation(
            f"{base}/billing-reviews",
            "get",
            "lineReviewQueue",
            "staff",
            "The prestation lines waiting for a decision of this zorgkas",
            items({"$ref": "#/components/schemas/LineReviewItem"}),
            None,
            auth,
            (zorgkas,),
        ),
        Operation(
            f"{base}/billing-reviews/{{reviewId}}/decision",
            "post",
            "decideLine",
            "staff",
            "Approve or refuse a line under review; returns the settlement",
            message_ref("settlement"),
            {"$ref": "#/components/schemas/Decision"},
            (*auth, 409, *body),
            (zorgkas, review),
        ),
        Operation(
            f"{base}/unsigned-shipments",
            "get",
            "unsignedShipments",
            "staff",
            "Settlement ids with every line decided and no signature yet",
            items(_SETTLEMENT_ID),
            None,
            auth,
            (zorgkas,),
        ),
        Operation(
            f"{base}/settlements/{{settlementId}}/signature",
            "post",
            "signShipment",
            "staff",
            "Sign a shipment: final settlement to the MBE, payment order",
            signed,
            None,
            (*auth, 409),
            (zorgkas, path("settlementId", _SETTLEMENT_ID)),
        ),
        Operation(
            f"{base}/payment-orders",
            "get",
            "paymentOrders",
            "staff",
            "The payment orders of this zorgkas",
            items(message_ref("payment-order")),
            None,
            (400, *auth),
            (zorgkas, unpaid),
        ),
        Operation(
            f"{base}/payment-orders/{{orderId}}/payment",
            "post",
            "recordPayment",
            "staff",
            "Record that the zorgkas paid a payment order",
            message_ref("payment-order"),
            {"$ref": "#/components/schemas/Payment"},
            (*auth, 409, *body),
            (zorgkas, path("orderId", _ORDER_ID)),
        ),
    ]
