"""Group commit in the service: a caller that goes away does not stall the others."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from vsb.serve.central import Central
from vsb.serve.config import ServeConfig
from vsb.synthetic import sample_request

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
MBE = "76310195930"


def _central() -> Central:
    config = ServeConfig(
        db=":memory:",
        fixtures=FIXTURES,
        ca=None,
        insecure_dev_tokens=True,
        test_control=True,
        start_clock=dt.datetime(2024, 3, 10, 9, 0),
    )
    return Central(config)


def test_a_cancelled_caller_does_not_stop_the_rest_of_its_batch_being_answered() -> None:
    central = _central()

    async def scenario() -> tuple[dict[str, object], dict[str, object]]:
        first = asyncio.create_task(
            central.handle(sample_request(MBE, "48031402205", "2024-03-04", "m-1"), MBE)
        )
        second = asyncio.create_task(
            central.handle(sample_request(MBE, "52110202319", "2024-03-04", "m-2"), MBE)
        )
        await asyncio.sleep(0)  # both are queued for the same batch
        first.cancel()
        answer = await asyncio.wait_for(second, timeout=10)
        recorded = await central.run(
            central.engine.handle, sample_request(MBE, "48031402205", "2024-03-04", "m-1")
        )
        return answer, recorded

    answer, recorded = asyncio.run(scenario())
    assert answer["outcome"] == "accepted"
    # The cancelled caller's message was processed once and its answer kept: a resend gets it.
    assert recorded["outcome"] == "accepted" and recorded["inReplyTo"] == "m-1"
