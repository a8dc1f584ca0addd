"""Where replications run: any `concurrent.futures.Executor`.

By default a process pool on this machine; with `--dask ADDRESS` the executor of a Dask
cluster (`distributed.Client.get_executor`). The task is the same function on the same data,
and results are put back in replication order, so the same seeds give the same results
whatever ran them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor

from simulator.scenario_reader import ScenarioError

__all__ = ["DASK_TIMEOUT_SECONDS", "make_executor"]

DASK_TIMEOUT_SECONDS = 5


def make_executor(workers: int, dask: str | None = None) -> tuple[Executor, Callable[[], None]]:
    """An executor and the function that shuts it down.

    Raises:
        ScenarioError: naming --dask, when no Dask scheduler answers at the address.
    """
    if dask is None:
        pool = ProcessPoolExecutor(max_workers=workers)
        return pool, lambda: pool.shutdown(cancel_futures=True)
    from distributed import Client

    try:
        client = Client(  # type: ignore[no-untyped-call]
            dask, timeout=f"{DASK_TIMEOUT_SECONDS}s", set_as_default=False
        )
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError(
            "--dask", f"cannot reach a Dask scheduler at {dask!r}: {exc}".rstrip(": ")
        ) from None
    executor = client.get_executor()  # type: ignore[no-untyped-call]
    return executor, client.close
