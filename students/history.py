"""Who changed a student record and why, as recorded by the history triggers.

Requests get the acting user and URL from pghistory's middleware. Work outside a
request (imports, merges, commands) names its source with `history_source`, so every
event it causes says, for example, "import of submission 12 by hoi_giolinh".
"""

from __future__ import annotations

from contextlib import contextmanager

import pghistory


@contextmanager
def history_source(*, source: str, user=None, **extra):
    """Attach `source` ("form", "import", "merge", "command" ...) and the acting user
    to every history event written inside the block."""
    metadata = {"source": source, **extra}
    if user is not None:
        metadata["user"] = user.pk
        metadata["username"] = user.get_username()
    with pghistory.context(**metadata):
        yield
