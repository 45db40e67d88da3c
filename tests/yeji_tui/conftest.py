"""The command-line fixtures (``yeji``: run a command on a store in tmp_path; ``sample``: the
same with the worked example imported), shared by the CLI test modules."""

from tests.yeji_tui.test_cli import sample, yeji

__all__ = ["sample", "yeji"]
