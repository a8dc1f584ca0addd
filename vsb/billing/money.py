"""Amounts as integer cents; the wire format is a string with two decimals."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache


@lru_cache(maxsize=4096)  # a shipment holds a few distinct amounts, each read several times
def cents(text: str) -> int:
    """Cents of an amount string the schema has checked (`"2300.00"`)."""
    return int(Decimal(text) * 100)


def amount(value: int) -> str:
    """The wire form of an amount in cents."""
    sign = "-" if value < 0 else ""
    whole, part = divmod(abs(value), 100)
    return f"{sign}{whole}.{part:02d}"
