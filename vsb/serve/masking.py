"""Keep INSZ numbers out of the logs: every 11-digit number is masked after its sixth digit.

HCO numbers are 11 digits too and are masked alike: telling them apart by check digits would
let a mistyped INSZ through, and a readable log is worth less than a patient's number.
"""

from __future__ import annotations

import logging
import re

_ELEVEN_DIGITS = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{5}(?![0-9])")


def mask_insz(text: str) -> str:
    """`text` with every standalone 11-digit number shown as its first six digits and `*****`."""
    return _ELEVEN_DIGITS.sub(r"\1*****", text)


class InszMaskFilter(logging.Filter):
    """A logging filter that masks INSZ-looking numbers in the message and its arguments.

    Arguments keep their places (uvicorn's access formatter unpacks them), so each string
    argument is masked on its own; numbers are masked by their text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place and keep it."""
        values = record.args.values() if isinstance(record.args, dict) else record.args or ()
        if any(isinstance(v, int) and _ELEVEN_DIGITS.search(str(v)) for v in values):
            # A number cannot hold the mask: format the message now and mask the text.
            record.msg, record.args = mask_insz(record.getMessage()), None
            return True
        if isinstance(record.msg, str):
            record.msg = mask_insz(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _masked(arg) for key, arg in record.args.items()}
        return True


class MaskingFormatter(logging.Formatter):
    """A formatter whose output is masked too: tracebacks and anything a filter cannot see."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record, masked."""
        return mask_insz(super().format(record))


def _masked(value: object) -> object:
    return mask_insz(value) if isinstance(value, str) else value


def log_config(level: str = "info") -> dict[str, object]:
    """A `logging.config.dictConfig` for uvicorn and the service, with the mask on every handler."""
    masked = {"()": "vsb.serve.masking.InszMaskFilter"}

    def handler(formatter: str) -> dict[str, object]:
        return {
            "class": "logging.StreamHandler",
            "formatter": formatter,
            "stream": "ext://sys.stderr",
            "filters": ["insz"],
        }

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"insz": masked},
        "formatters": {
            "default": {
                "()": "vsb.serve.masking.MaskingFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            },
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "use_colors": False,
                "fmt": '%(asctime)s access %(client_addr)s "%(request_line)s" %(status_code)s',
            },
        },
        "handlers": {"default": handler("default"), "access": handler("access")},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": ["access"], "level": level.upper(), "propagate": False},
            "vsb": {"handlers": ["default"], "level": level.upper(), "propagate": False},
        },
    }
