"""The SimPy model of MBEs, zorgkas staff and the central application, and its traffic streams.

Use `load_scenario` and `simulate`; `run_short` is the short run `make run` prints.
"""

from simulator.central import CentralPort, InProcessCentral
from simulator.runner import RunResult, run_short, simulate
from simulator.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "CentralPort",
    "InProcessCentral",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "run_short",
    "simulate",
]
