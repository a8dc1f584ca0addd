"""What a JSON body may hold, checked once at the door for every body: nesting and text.

Every string of a body, member names included, must be text that can be shown back safely:

- no lone UTF-16 surrogate (`"\\ud800"`): it cannot be encoded as UTF-8, so every later answer
  that repeats it (a review queue, another MBE's feed) would fail;
- no NUL and no other C0 or C1 control character or DEL: terminal escapes (ANSI) would reach
  staff screens and logs as sent; line feed and tab (and CR directly before LF) are allowed
  only in the long free texts of `MULTILINE_MEMBERS`;
- no bidirectional override or isolate (U+202A..U+202E, U+2066..U+2069): text that reads
  otherwise than it is.

Nesting deeper than a limit is refused too: the JSON parser and the schema checker recurse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from vsb.serve.problems import FieldError, Problem, ProblemError

MULTILINE_MEMBERS = frozenset({"medicalReport", "reason"})
"""Members holding free text that may run over lines (a stop's medical report, a staff
reason): line feed, tab and CR-LF are allowed there and nowhere else."""

MAX_TEXT_ERRORS = 20
"""The most text errors one problem lists; its detail counts the ones left out."""

_NEVER = (  # as regular-expression escapes, so that the schemas can carry them as they are
    r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"  # C0 but tab, LF and CR; DEL; C1
    r"\u202a-\u202e\u2066-\u2069"  # bidi overrides and isolates
)
# Lone surrogates (a pair decodes to one character) are no Unicode text at all (I-JSON, RFC
# 7493): regular-expression engines working on Unicode scalars cannot even name them, so the
# schema patterns leave them to the door.
_SURROGATES = r"\ud800-\udfff"

TEXT_PATTERN = rf"^[^\t\n\r{_NEVER}]*$"
"""The JSON Schema `pattern` (ECMA-262) of one-line text: the schemas of what clients send
carry it on every free-text field, so that the document says what the door accepts."""

FREE_TEXT_PATTERN = rf"^(?:[^\r{_NEVER}]|\r\n)*$"
"""The `pattern` of the long free texts (`MULTILINE_MEMBERS`): line feed, tab and CR-LF."""

_ONE_LINE = re.compile(rf"[\t\n\r{_NEVER}{_SURROGATES}]")
_MULTILINE = re.compile(rf"[{_NEVER}{_SURROGATES}]|\r(?!\n)")
# What can put such a character into a decoded string: its raw form (raw C0 characters are not
# allowed inside JSON strings, so raw tab, LF and CR are whitespace between tokens) or an
# escape. Bodies with neither skip the text check; a false alarm only costs time.
_RAW = re.compile(r"[\u007f-\u009f\u202a-\u202e\u2066-\u2069]")
_ESCAPE = re.compile(
    r"\\(?:[bfnrt]|u(?:00[0-1]|00[89]|007[fF]|[dD][89a-fA-F]|202[a-eA-E]|206[6-9]))"
)


def _pointer_segment(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _character(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone UTF-16 surrogate"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "a bidirectional override or isolate"
    elif code == 0:
        kind = "NUL"
    elif char in "\t\n\r":
        kind = f"a line break or tab, allowed only in {', '.join(sorted(MULTILINE_MEMBERS))}"
    else:
        kind = "a control character"
    return f"U+{code:04X} ({kind})"


def text_error(text: str, multiline: bool = False) -> str | None:
    """Why `text` is not acceptable text (see the module), or None when it is."""
    match = (_MULTILINE if multiline else _ONE_LINE).search(text)
    if match is None:
        return None
    return f"contains {_character(match.group()[0])} at character {match.start() + 1}"


@dataclass
class _Findings:
    """What the slow pass found: where nesting goes too deep, the first text errors, and how
    many text errors in all."""

    too_deep_at: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    count: int = 0

    def add(self, pointer: str, message: str) -> None:
        self.count += 1
        if len(self.errors) < MAX_TEXT_ERRORS:
            self.errors.append(FieldError(pointer, "text", message))


def _path(pointer: str, key: str | int) -> str:
    return f"{pointer}/{_pointer_segment(key) if isinstance(key, str) else key}"


def _fits(document: object, max_depth: int, texts: bool) -> bool:
    """Whether `document` is nested at most `max_depth` deep and, when `texts`, all its text
    is acceptable: the fast pass (one level at a time, texts checked in two joined runs),
    which names nothing; `_walk` names the fields when it fails."""
    level: list[object] = [document] if isinstance(document, (dict, list)) else []
    one_line = [document] if isinstance(document, str) else []
    multiline: list[str] = []
    for _ in range(max_depth):
        below: list[object] = []
        for value in level:
            members: Iterable[object]
            if isinstance(value, dict):
                members = value.values()
                if texts:
                    one_line += value
                    for key, item in value.items():
                        if type(item) is str:
                            (multiline if key in MULTILINE_MEMBERS else one_line).append(item)
            else:
                assert isinstance(value, list)
                members = value
                if texts:
                    one_line += [item for item in value if type(item) is str]
            below += [item for item in members if type(item) is dict or type(item) is list]
        level = below
    if level:
        return False
    # " " between multiline texts: a CR ending one text is not followed by the next one's LF
    return not texts or not (
        _ONE_LINE.search("".join(one_line)) or _MULTILINE.search(" ".join(multiline))
    )


def _walk(document: object, max_depth: int, texts: bool) -> _Findings:
    """The slow pass: every container (and, when `texts`, every string), naming fields."""
    found = _Findings()
    if isinstance(document, str) and texts and (problem := text_error(document)):
        found.add("", f"the text {problem}")
    stack: list[tuple[object, str, int]] = [(document, "", 0)]
    while stack:
        value, pointer, depth = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if depth >= max_depth:
            found.too_deep_at = pointer
            return found
        below: list[tuple[object, str, int]] = []
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            if texts and isinstance(key, str) and (problem := text_error(key)):
                found.add(pointer, f"a member name {problem}")
                continue  # a pointer through this name would carry the bad text back
            if isinstance(item, str):
                if texts and (problem := text_error(item, key in MULTILINE_MEMBERS)):
                    found.add(_path(pointer, key), f"the text {problem}")
            elif isinstance(item, (dict, list)):
                below.append((item, _path(pointer, key), depth + 1))
        below.reverse()  # taken in document order
        stack += below
    return found


def check_content(document: object, source: str, max_depth: int) -> None:
    """Refuse a parsed body (`source` is its JSON text) nested too deep or holding bad text.

    Raises:
        ProblemError: 400 naming where the nesting passes `max_depth` (rule `depth`); 422
            naming every field (up to MAX_TEXT_ERRORS) whose text breaks the rules (rule
            `text`).
    """
    texts = bool(
        (not source.isascii() and _RAW.search(source))
        or ("\\" in source and _ESCAPE.search(source))
    )
    if _fits(document, max_depth, texts):
        return
    found = _walk(document, max_depth, texts)
    if found.too_deep_at is not None:
        raise too_deep(max_depth, found.too_deep_at)
    if found.errors:
        left_out = found.count - len(found.errors)
        more = f" (and {left_out} more not listed)" if left_out else ""
        first = found.errors[0]
        detail = f"{first.pointer or '/'}: {first.message}{more}"
        raise ProblemError(
            Problem(422, "invalid-text", "Text not accepted", detail, tuple(found.errors))
        )


def too_deep(max_depth: int, pointer: str = "") -> ProblemError:
    """The 400 for JSON nested deeper than `max_depth` levels (rule `depth`)."""
    message = f"the JSON is nested deeper than {max_depth} levels"
    error = FieldError(pointer, "depth", message)
    return ProblemError(Problem(400, "too-deep", "JSON nested too deep", message, (error,)))
