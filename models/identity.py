"""Who this process is: the OS account it runs as, never an environment variable."""

from __future__ import annotations

import os
import pwd

from models.usertext import clean_text


def os_login() -> str:
    """The account name of the process's user id (its number when it has no passwd entry)."""
    try:
        return clean_text(pwd.getpwuid(os.getuid()).pw_name) or str(os.getuid())
    except KeyError:  # an account without a passwd entry (a container's bare uid)
        return str(os.getuid())
