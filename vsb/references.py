"""VSB reference numbers: unique, never reused (REQ-RQ-REFERENCE)."""

from __future__ import annotations

from vsb.context import Context


def new_reference(ctx: Context) -> str:
    """A new VSB reference: PREFIX-YYYY-NNNNNNN, numbered across all years."""
    number = ctx.store.next_value("vsb-reference")
    return f"{ctx.rulebook.value('vsb_reference_prefix')}-{ctx.today.year:04d}-{number:07d}"
