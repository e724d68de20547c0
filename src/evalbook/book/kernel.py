"""The Jupyter kernel a worker process runs its chapters on.

A worker keeps one kernel for the chapters it runs: starting a kernel and importing the
package costs about 2 s, more than a small chapter itself. Before each chapter the kernel's namespace
is emptied, its figures closed and its working directory set, so a chapter sees what it would
in a fresh kernel; nbval (``make test``) reruns every chapter in a fresh kernel and compares,
so a leak between chapters would show as a failure.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import KernelManager
from traitlets import DottedObjectName

from ..core.errors import BuildError
from . import staging

KERNEL = "python3"
WARM_DIR = "kernel"  # under the staging directory: where a kernel started before its first chapter begins
PRELOAD = "import evalbook.book.chapter"  # what every chapter imports first (pandas, matplotlib, the report layer)


class PromptClient(BlockingKernelClient):
    """A kernel client that is ready as soon as its kernel answers on both channels.

    jupyter_client's ``wait_for_ready`` asks for the kernel's info and then waits 0.2 s for a
    message on IOPub, to be sure its subscription is connected; the first such message is
    nearly always published before it is, so every client (two per chapter: the kernel's reset
    and Papermill's) waited 0.2 s. Here the wait starts at 10 ms and doubles up to that 0.2 s,
    with the same proof of readiness: a kernel-info reply on the shell channel, then a message
    on IOPub."""

    def wait_for_ready(self, timeout: float | None = None) -> None:
        limit = 60.0 if timeout is None else timeout  # jupyter_client's own waits for ever
        deadline = time.monotonic() + limit
        wait = 0.01
        while time.monotonic() < deadline:
            self.kernel_info()
            try:
                reply = self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    self.iopub_channel.get_msg(timeout=wait)
                except Empty:
                    wait = min(2 * wait, 0.2)
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {limit:g} seconds")


class QuietKernelManager(KernelManager):
    """A kernel on IPC transport (local socket files, under a name of its own so that kernels
    running in parallel never share one) instead of TCP: nothing listens on the network, and
    ipykernel does not warn about unencrypted TCP on every chapter. Its clients are
    :class:`PromptClient`."""

    client_class = DottedObjectName(f"{__name__}.PromptClient")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(Path(tempfile.gettempdir()) / f"evalbook-kernel-{uuid.uuid4().hex}")


_KERNEL: list = []
_RESET = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import os as _os, matplotlib.pyplot as _plt\n_plt.close('all')\n_os.chdir({workdir!r})\n"
    "del _os, _plt"
)


def worker_kernel(workdir: Path) -> KernelManager:
    """This worker's kernel, started on first use, reset for a new chapter in ``workdir``."""
    if not _KERNEL:
        km = QuietKernelManager(kernel_name=KERNEL)
        km.start_kernel(cwd=str(workdir))
        staging.track(workdir.parent, km.provisioner.pid, km.ip)  # killed with this worker, or by the next build
        multiprocessing.util.Finalize(None, km.shutdown_kernel, kwargs={"now": True}, exitpriority=10)
        _KERNEL.append(km)
    km = _KERNEL[0]
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        reply = client.execute_interactive(_RESET.format(workdir=str(workdir)), timeout=60)
        if reply["content"]["status"] != "ok":
            raise BuildError(f"the kernel could not be reset: {reply['content'].get('evalue')}")
    finally:
        client.stop_channels()
    return km


def warm(directory: Path) -> None:
    """Start this worker's kernel and import the package in it (:data:`PRELOAD`), while the
    build checks the inputs; a kernel that fails here is started again for the first chapter,
    which reports the failure. A chapter finds nothing of this but imported modules, as
    on a reused kernel."""
    workdir = directory / WARM_DIR
    workdir.mkdir(exist_ok=True)
    with contextlib.suppress(Exception):
        km = worker_kernel(workdir)
        client = km.client()
        client.start_channels()
        try:
            client.execute_interactive(PRELOAD, timeout=120)
        finally:
            client.stop_channels()
