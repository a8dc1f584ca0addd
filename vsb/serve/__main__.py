"""`python -m vsb.serve [options]`: the same as `vsb serve [options]`."""

import sys

import vsb.serve.cli  # noqa: F401  (registers serve and certs)
from vsb.cli import main

sys.exit(main(["serve", *sys.argv[1:]]))
