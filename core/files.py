"""Files the user names: inputs read only if they are regular files under a size cap;
outputs written to a temporary file, verified, synced and renamed, or not at all."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

MAX_INPUT_BYTES = 512 * 2**20  # any one file a command reads
# What reading a zip raises when the archive, not the code, is at fault: not a zip or cut
# short (BadZipFile, EOFError), a corrupt deflate stream (zlib.error), a ZIP64 member it
# cannot take, an encrypted member (RuntimeError: "password required"), or a compression
# method Python does not have, such as Deflate64 (NotImplementedError).
UNREADABLE_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, RuntimeError,
                  NotImplementedError)  # fmt: skip

_UMASK = os.umask(0)
os.umask(_UMASK)


class InputFileError(ValueError):
    """A path that cannot be read as an input: missing, not a regular file, too large."""


class OutputFileError(ValueError):
    """An output that could not be written whole: nothing was replaced."""


def check_input(path: Path, cap: int = MAX_INPUT_BYTES, what: str = "") -> int:
    """The size of `path` if it is a regular file (symlinks followed) within `cap`.
    Devices, FIFOs and sockets are refused before a byte is read: /dev/zero never ends."""
    what = what or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError(f"{what}: cannot read it (no such file)") from None
    except OSError as exc:
        raise InputFileError(f"{what}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(f"{what} is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(f"{what} is not a regular file (a device, FIFO or socket)")
    if st.st_size > cap:
        raise InputFileError(f"{what} is larger than the {_size(cap)} limit")
    return st.st_size


def read_input(path: Path, cap: int = MAX_INPUT_BYTES, what: str = "") -> bytes:
    """The bytes of a regular file, refused past `cap` even if it grows while read."""
    check_input(path, cap, what)
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError as exc:
        raise InputFileError(f"{what or path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > cap:
        raise InputFileError(f"{what or path} is larger than the {_size(cap)} limit")
    return data


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n >= 2**20 else f"{n // 2**10} KiB"


def check_output(path: Path, force: bool = False) -> None:
    """Whether `path` may be written, before any work (or Qt) starts: OutputFileError if it
    is a folder, a device, an existing file without `force`, or in a missing folder."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputFileError(f"{path}: {exc.strerror or exc}") from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise OutputFileError(f"{path} is {kind}: give a file name to write")
        if not force:
            raise OutputFileError(f"{path} exists: give --force to replace it")
    if not path.parent.is_dir():
        raise OutputFileError(f"folder {path.parent} does not exist")


def write_verified(path: Path, write: Callable[[Path], None], force: bool = False) -> None:
    """Write through a temporary file beside `path`; check it is there and not empty, sync
    it, then rename over `path`. Any failure (a full disk, a writer's error) removes the
    temporary file and raises OutputFileError: `path` is as it was. `force` replaces a
    regular file only, never a device, FIFO or folder."""
    path = Path(path)
    check_output(path, force)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputFileError(_why(path, exc)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if tmp.stat().st_size == 0:
            raise OutputFileError(f"{path}: the writer produced an empty file; nothing written")
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # as an ordinary new file (mkstemp makes it private)
        os.replace(tmp, path)
        _sync_folder(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputFileError(_why(path, exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename stands
    finally:
        os.close(fd)


def _why(path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"{path}: no space left on the disk; nothing written"
    return f"{path}: cannot write it ({exc.strerror or exc}); nothing written"


def write_workbook(wb, tmp: Path) -> None:
    """Save an openpyxl workbook to `tmp` so that a full disk is one OSError and nothing
    else: the zip is built in memory and written here (openpyxl's own ZipFile, cut short,
    fails again when collected and prints a traceback after the error line), and the
    half-written worksheet streams it keeps in temporary files are finalised quietly."""
    import gc
    import io
    import sys

    buffer = io.BytesIO()
    failure: OSError | None = None
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None  # the broken streams' own complaints
    try:
        try:
            wb.save(buffer)
        except Exception as exc:  # lxml says a full temporary folder as IO_ENOSPC
            code = getattr(exc, "errno", None) or next(
                (getattr(errno, c) for c in ("ENOSPC", "EFBIG", "EDQUOT") if f"IO_{c}" in str(exc)),
                None)  # fmt: skip
            if code is None:
                raise
            failure = OSError(code, os.strerror(code))
    finally:
        gc.collect()  # the failed save's streams, while their complaints are muted
        sys.unraisablehook = hook
    if failure is not None:
        raise failure
    tmp.write_bytes(buffer.getbuffer())
