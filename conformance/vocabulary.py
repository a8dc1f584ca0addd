"""The step vocabulary of the suite: every step a feature file may use, by behaviour area.

`python -m conformance.vocabulary` prints it as Markdown; docs/conformance.md carries that
list, and a test keeps it current.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass

from pytest_bdd.steps import step_function_context_registry

from conformance.steps import STEP_MODULES

BEGIN = "<!-- vocabulary:begin -->"
END = "<!-- vocabulary:end -->"


@dataclass(frozen=True)
class StepText:
    """One step definition: keyword, pattern, where it lives, what it is for."""

    keyword: str
    pattern: str
    module: str
    summary: str


def steps() -> list[StepText]:
    """Every step definition of the suite's step modules, in module and source order."""
    for name in STEP_MODULES:
        importlib.import_module(name)
    found = []
    for context in list(step_function_context_registry.values()):
        module = context.step_func.__module__
        if module not in STEP_MODULES:
            continue
        doc = inspect.getdoc(context.step_func) or ""
        line = context.step_func.__code__.co_firstlineno
        found.append((STEP_MODULES.index(module), line, context, doc.split("\n")[0]))
    found.sort(key=lambda item: (item[0], item[1], str(item[2].type)))
    return [
        StepText(str(c.type).capitalize(), c.parser.name, c.step_func.__module__, doc)
        for _, _, c, doc in found
    ]


def markdown() -> str:
    """The vocabulary as a Markdown section, between the markers the docs use."""
    lines = [BEGIN]
    module = ""
    for step in steps():
        if step.module != module:
            module = step.module
            area = module.rsplit(".", 1)[-1]
            lines += ["", f"### {area} (`{module.replace('.', '/')}.py`)", ""]
        lines.append(f"- **{step.keyword}** `{step.pattern}`")
    lines += ["", END]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
