"""What every rule needs while one message is processed: state, rules, the day, the sender."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vsb.answers import Error
from vsb.rulebook import Rulebook
from vsb.store import Store


@dataclass(frozen=True)
class Context:
    """The processing context of one message."""

    store: Store
    rulebook: Rulebook
    today: dt.date
    mbe: str

    def code_error(
        self, requirement: str, codelist: str, code: object, pointer: str
    ) -> Error | None:
        """An error when `code` is not in the rulebook's code list `codelist`."""
        if self.rulebook.in_list(codelist, code):
            return None
        allowed = ", ".join(self.rulebook.codelists[codelist])
        return Error(
            requirement,
            pointer,
            f"{code!r} is not in the code list {codelist} of rulebook {self.rulebook.id}; "
            f"use one of: {allowed}",
        )


def parse_date(value: str) -> dt.date:
    """A date the schema has already checked."""
    return dt.date.fromisoformat(value)
