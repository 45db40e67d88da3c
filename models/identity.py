"""Who this process is: the OS account it runs as, never an environment variable (those can
be set to anyone: ``LOGNAME=区长 yeji import …``)."""

from __future__ import annotations

import os

from models.usertext import clean_text


def os_login() -> str:
    """The account name of the process's user id (its number when it has no passwd entry)."""
    try:
        import pwd
    except ImportError:  # Windows has no pwd: the logged-in user is what the system says
        import getpass

        try:
            return clean_text(getpass.getuser()) or "unknown"
        except (KeyError, OSError):
            return "unknown"
    try:
        return clean_text(pwd.getpwuid(os.getuid()).pw_name) or str(os.getuid())
    except KeyError:  # an account without a passwd entry (a container's bare uid)
        return str(os.getuid())


def current_user() -> str:
    """Who is making a change, for stage history: the OS account of the process (never an
    environment variable: ``LOGNAME=区长`` changes nothing)."""
    return os_login()
