"""``python -m yeji_tui``: the same as the ``yeji`` command."""

import sys

from yeji_tui.cli import main

sys.exit(main())
