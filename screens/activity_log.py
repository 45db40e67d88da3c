"""Sections that log activities (``a``): the overview and the units screen.

Kept apart from ``screens.base`` so the base imports no form: the activity form (and through it
the lead form and the dialogs, which import the base) loads only when ``a`` is pressed, and the
screens package has no import cycle.
"""

from __future__ import annotations

from typing import Any

from screens.base import YejiScreen


class LogsActivities(YejiScreen):
    """A section with ``a``: log a trip, a visit or an event, then read the store again (the
    section's ``load``) so its quotas follow at once."""

    def load(self) -> Any:
        """Read the section's numbers again (each section has its own)."""
        raise NotImplementedError

    def action_log_activity(self) -> None:
        """Log a trip, a visit or an event; the quotas follow at once."""
        self.run_worker(self._log(), exit_on_error=False)

    async def _log(self) -> None:
        from screens.activity_form import log_activity  # the form, only when it is asked for

        if await log_activity(self, None):
            self.load()
