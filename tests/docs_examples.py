"""The examples of docs/*.md: files under docs/examples/, played against the sandbox.

Each folder of docs/examples/ holds the messages of one doc and a `steps.json`: the doc it
belongs to and the steps in the documented order, each with its moment (`at`, set through test
control), who calls (`as`: the certificate `vsb certs --staff s1,s2` makes, `mbe-<hco>` or
`staff-<zorgkas>-<id>`), the HTTP method and path, the body file (if any), and the answer the
doc says it gets: `status` and the body file `answer`. File names in a step are relative to
its folder.

A doc shows a file under a marker line `<!-- example: <folder>/<file> -->` followed by a
```json block holding the file's text. `python -m tests.docs_examples` rewrites those blocks
from the files; `--answers` also writes each answer file from what the sandbox answers (then
read the diff: the test asserts the files, so a wrong answer written there is a wrong doc).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from vsb.mbes import load_mbes
from vsb.serve.app import create_app
from vsb.serve.certs import ClientIdentity, write_test_pki
from vsb.serve.config import DEFAULT_AUDIENCE, ServeConfig

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
FIXTURES = ROOT / "fixtures"
MARKER = re.compile(r"<!-- example: (?P<name>[^ ]+) -->\n```json\n(?P<text>.*?)```", re.DOTALL)


@dataclass(frozen=True)
class Step:
    """One documented exchange: who sends what, when, and the answer the doc shows."""

    folder: Path
    at: dt.datetime
    caller: str
    method: str
    path: str
    body: Path | None
    status: int
    answer: Path

    @classmethod
    def read(cls, folder: Path, raw: dict[str, Any]) -> Step:
        body = raw.get("body")
        return cls(
            folder,
            dt.datetime.fromisoformat(raw["at"]),
            raw["as"],
            raw["method"],
            raw["path"],
            (folder / body).resolve() if body else None,
            raw["status"],
            (folder / raw["answer"]).resolve(),
        )

    def name(self) -> str:
        """How a failure names the step."""
        sent = f" {_shown(self.body)}" if self.body else ""
        return f"{self.folder.name}: {self.caller} {self.method} {self.path}{sent}"


def _shown(path: Path) -> str:
    return path.relative_to(EXAMPLES).as_posix()


def walkthroughs() -> list[Path]:
    """The folders of docs/examples/ that hold a walkthrough."""
    return sorted(p.parent for p in EXAMPLES.glob("*/steps.json"))


def doc_of(folder: Path) -> Path:
    """The doc a walkthrough belongs to."""
    return ROOT / json.loads((folder / "steps.json").read_text("utf-8"))["doc"]


def steps(folder: Path) -> list[Step]:
    """The steps of a walkthrough, in the documented order."""
    raw = json.loads((folder / "steps.json").read_text("utf-8"))
    return [Step.read(folder, step) for step in raw["steps"]]


def read_json(path: Path) -> Any:
    """A JSON example file."""
    return json.loads(path.read_text("utf-8"))


@contextmanager
def sandbox(start: dt.datetime) -> Iterator[Sandbox]:
    """A fresh in-process sandbox on the fixtures (registry, MBEs), with test control, the
    clock on `start`, and the certificates `vsb certs --staff s1,s2` makes."""
    with tempfile.TemporaryDirectory() as folder:
        pki = Path(folder)
        mbes = [(m.hco, m.name) for m in load_mbes(FIXTURES / "mbes.toml")]
        write_test_pki(pki, mbes, staff=("s1", "s2"))
        config = ServeConfig(
            db=":memory:",
            fixtures=FIXTURES,
            ca=pki / "ca.pem",
            test_control=True,
            start_clock=start,
        )
        with TestClient(create_app(config), raise_server_exceptions=False) as client:
            yield Sandbox(client, pki)


@dataclass
class Sandbox:
    """The sandbox and the certificates of its callers."""

    client: TestClient
    pki: Path

    def play(self, step: Step) -> tuple[int, Any]:
        """Set the clock to the step's moment, send it; the status and the answer's body."""
        clock = self.client.put("/test/clock", json={"now": step.at.isoformat()})
        assert clock.status_code == 200, clock.text
        identity = ClientIdentity.load(self.pki / step.caller)
        response = self.client.request(
            step.method,
            step.path,
            headers=identity.headers(DEFAULT_AUDIENCE),
            json=read_json(step.body) if step.body else None,
        )
        return response.status_code, response.json()


def shown_examples(doc: Path) -> dict[str, str]:
    """The example files a doc shows (name under docs/examples/ -> the text of its block)."""
    return {m["name"]: m["text"] for m in MARKER.finditer(doc.read_text("utf-8"))}


def compact(value: Any, indent: int = 0, width: int = 100) -> str:
    """JSON as the docs write it: a value on one line when it fits, else its members packed
    onto lines of at most `width` characters, a member that does not fit on lines of its own."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= width or not isinstance(value, (dict, list)) or not value:
        return flat
    if isinstance(value, dict):
        pieces = [(json.dumps(k, ensure_ascii=False) + ": ", v) for k, v in value.items()]
    else:
        pieces = [("", v) for v in value]
    lines: list[str] = []
    line = ""
    for head, item in pieces:
        start = indent + 1 if not line else indent + 1 + len(line) + 2
        text = head + compact(item, start + len(head), width)
        if line and ("\n" in text or start + len(text) + 1 > width):
            lines.append(line)
            line, start = "", indent + 1
            text = head + compact(item, start + len(head), width)
        line = f"{line}, {text}" if line else text
    lines.append(line)
    open_, close = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return open_ + (",\n" + " " * (indent + 1)).join(lines) + close


def _write_answers(folder: Path) -> None:
    walk = steps(folder)
    with sandbox(walk[0].at) as box:
        for step in walk:
            status, body = box.play(step)
            if status != step.status:
                print(f"{step.name()}: status {status}, the steps say {step.status}")
            step.answer.write_text(compact(body) + "\n", "utf-8")


def _write_docs() -> None:
    for doc in sorted((ROOT / "docs").glob("*.md")):
        text = doc.read_text("utf-8")
        new = MARKER.sub(
            lambda m: (
                f"<!-- example: {m['name']} -->\n```json\n"
                f"{(EXAMPLES / m['name']).read_text('utf-8')}```"
            ),
            text,
        )
        if new != text:
            doc.write_text(new, "utf-8")
            print(f"rewrote the example blocks of {doc.relative_to(ROOT)}")


if __name__ == "__main__":
    if "--answers" in sys.argv[1:]:
        for walk in walkthroughs():
            _write_answers(walk)
    _write_docs()
