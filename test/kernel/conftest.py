"""Shared helpers for the cnnlab kernel tests (run with `.venv/bin/python -m pytest test/kernel`)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[2]
KERNEL_NAME = "cnnlab"


def pytest_configure(config: Any) -> None:
    """The kernelspec must be in this interpreter's prefix; install it (a no-op when identical) if it is not."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        cli = ROOT / "dist" / "kernel" / "cli.js"
        subprocess.run(["node", str(cli), "install", "--prefix", sys.prefix], check=True)


from kernel_client import drain_iopub  # noqa: E402


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture
def kc(kernel):
    km, kc = kernel
    drain_iopub(kc, 0.05)
    return kc
