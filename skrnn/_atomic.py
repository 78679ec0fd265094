"""Files written whole or not at all: a failed write leaves what was there."""

import contextlib
import os
import tempfile
from pathlib import Path


def _umask():
    """The process umask, read without changing it (Linux), else 0o022:
    ``os.umask`` sets it too, which races with other threads."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


@contextlib.contextmanager
def atomic_outputs(paths):
    """Yield temporary paths beside ``paths``; move each into place only if
    the block succeeds, else remove them.

    Examples
    --------
    >>> from skrnn._atomic import atomic_outputs
    >>> path = getfixture("tmp_path") / "out.txt"
    >>> with atomic_outputs([path]) as (partial,):
    ...     _ = partial.write_text("done")
    >>> path.read_text()
    'done'
    """
    paths = [Path(path) for path in paths]
    temporary = []
    try:
        for path in paths:
            handle, name = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".partial", dir=path.parent
            )
            os.close(handle)
            # mkstemp makes the file private (0600); give it a new file's mode.
            os.chmod(name, 0o666 & ~_umask())
            temporary.append(Path(name))
        yield temporary
        for name, path in zip(temporary, paths, strict=True):
            os.replace(name, path)
    finally:
        for name in temporary:
            with contextlib.suppress(FileNotFoundError):
                name.unlink()
