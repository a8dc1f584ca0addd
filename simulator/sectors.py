"""Other sectors on the central application: their messages as extra load.

The VSB brought sectors onto the zorgkassen's processes one after another (seed 002: residential
care for the elderly, mobility aids, rehabilitation hospitals and agreements, MDO, PVT, IBW).
Their messages are not modelled one by one: each arrives at a Poisson rate, takes its turn at
the central application's processing (`central.workers` at once) and, for `review_share` of
them, waits in the queue of a zorgkas (drawn by the population's zorgkas shares) for a staff
member. So they lengthen the central processing latency and the MBE files' queues exactly as
the volume would.
"""

from __future__ import annotations

from simulator.distributions import triangle
from simulator.model import Process, Simulation
from simulator.population import weighted
from simulator.scenario import Sector

__all__ = ["sector_process"]


def sector_process(sim: Simulation, sector: Sector) -> Process:
    """Send the sector's messages through the central processing for the whole run."""
    rng = sim.streams(f"sector/{sector.name}")
    rate = sector.messages_per_year / 365.0
    shares = {str(k): v for k, v in sim.scenario.population.zorgkas_share.items()}
    number = 0
    while rate > 0:
        yield sim.env.timeout(rng.expovariate(rate))
        number += 1
        item = f"{sector.name}-{number}"
        minutes = triangle(rng, sector.central_minutes)
        review = rng.random() < sector.review_share
        kas = int(weighted(rng, shares))
        sim.env.process(_processed(sim, item, minutes, kas if review else None, sector))


def _processed(
    sim: Simulation, item: str, minutes: float, kas: int | None, sector: Sector
) -> Process:
    sent = sim.env.now
    turn = sim.central.request()
    if turn is not None:
        yield turn
    yield sim.env.timeout(minutes / 1440)
    sim.central.release()
    sim.tally.central_latency(f"sector:{sector.name}", (sim.env.now - sent) * 1440, sent)
    if kas is not None:
        sim.sector_queue.setdefault(kas, []).append((item, sector.review_minutes))
        sim.tally.waits.start(f"{kas}/sector", item, sim.env.now)
