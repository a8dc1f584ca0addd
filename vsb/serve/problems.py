"""Problem details (RFC 9457): every transport or shape refusal as `application/problem+json`.

A problem is data (a frozen dataclass), raised as `ProblemError` where a handler cannot go on
and turned into a response in one place. Business refusals are not problems: they are the
engine's answers, sent with status 200.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

PROBLEM_TYPE_BASE = "https://vsb-harness.example/problems/"
"""The base of every problem `type` URI: `<base><slug>`."""

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    """One broken rule inside a request: where (JSON pointer), which rule, and what is wrong."""

    pointer: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The error as it appears in the problem's `errors`."""
        return {"pointer": self.pointer, "rule": self.rule, "message": self.message}


@dataclass(frozen=True)
class Problem:
    """One refusal of a request before (or instead of) the engine's answer."""

    status: int
    slug: str
    title: str
    detail: str
    errors: tuple[FieldError, ...] = field(default=())
    requirement: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    """Extra response headers, e.g. Retry-After on a 429 or 503."""

    def as_dict(self, instance: str) -> dict[str, Any]:
        """The problem document for the request at path `instance`."""
        document: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.requirement is not None:
            document["requirement"] = self.requirement
        if self.errors:
            document["errors"] = [error.as_dict() for error in self.errors]
        return document

    def response(self, instance: str) -> Response:
        """The HTTP response carrying this problem."""
        headers = dict(self.headers)
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="vsb"'
        body = json.dumps(self.as_dict(instance), ensure_ascii=False).encode()
        return Response(body, self.status, headers, media_type=PROBLEM_MEDIA_TYPE)


class ProblemError(Exception):
    """Raised by a handler to answer with a problem; the app turns it into the response."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem


def invalid(detail: str, errors: Iterable[FieldError], status: int = 422) -> ProblemError:
    """A request body that breaks its schema (422) or is not JSON at all (400)."""
    slug, title = (
        ("invalid-json", "Malformed JSON")
        if status == 400
        else ("schema-violation", "Schema violation")
    )
    return ProblemError(Problem(status, slug, title, detail, tuple(errors)))


def unauthenticated(detail: str, rule: str) -> ProblemError:
    """No identity, or one that cannot be verified (401)."""
    error = FieldError("", rule, detail)
    return ProblemError(Problem(401, "unauthenticated", "Unauthenticated", detail, (error,)))


def forbidden(detail: str, requirement: str, rule: str, pointer: str = "") -> ProblemError:
    """A verified identity that may not do this (403)."""
    error = FieldError(pointer, rule, detail)
    return ProblemError(Problem(403, "forbidden", "Forbidden", detail, (error,), requirement))


def not_found(detail: str) -> ProblemError:
    """Nothing here for this caller: unknown, or another party's (404, the same for both)."""
    return ProblemError(Problem(404, "not-found", "Not found", detail))


def conflict(detail: str, requirement: str) -> ProblemError:
    """A staff action the current state does not allow (409)."""
    error = FieldError("", requirement, detail)
    return ProblemError(
        Problem(409, "staff-action-refused", "Staff action refused", detail, (error,), requirement)
    )
