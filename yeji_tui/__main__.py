"""``python -m yeji_tui``: the same as the ``yeji`` command."""

import sys

from yeji_tui.cli import run

sys.exit(run())
