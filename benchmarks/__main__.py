"""`make bench`: every benchmark in turn; each prints its own table."""

from __future__ import annotations

import importlib
import pkgutil

import benchmarks


def main() -> None:
    """Run each `benchmarks/bench_*.py` module's `main()`."""
    for module in sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)):
        if module.startswith("bench_"):
            print(f"\n== {module} ==")
            importlib.import_module(f"benchmarks.{module}").main()


if __name__ == "__main__":
    main()
