"""CNNLAB_MAX_MEMORY through the kernel: a cell that allocates past the cap gets an error reply with the fix, and the
next cell runs (issue 14)."""
from __future__ import annotations

import os

from jupyter_client.manager import start_new_kernel

from kernel_client import execute

KERNEL_NAME = "cnnlab"


def test_cell_past_the_cap_errors_and_the_next_cell_runs():
    km, kc = start_new_kernel(
        kernel_name=KERNEL_NAME, startup_timeout=60, env={**os.environ, "CNNLAB_MAX_MEMORY": "64M"}
    )
    try:
        setup = execute(
            kc,
            'import * as tf from "@tensorflow/tfjs"; import { useBestBackend } from "cnnlab";\n'
            'await useBestBackend({ backend: "cpu", quiet: true }); tf.memory().numTensors',
            timeout=120,
        )
        assert setup.status == "ok", setup.reply["content"]
        failing = execute(kc, "const big = tf.randomNormal([60000, 28, 28, 64]);")
        content = failing.reply["content"]
        assert content["status"] == "error"
        assert content["ename"] == "MemoryCapError"
        assert content["evalue"].startswith(
            "tf.randomNormal would need 11.2 GiB for a float32 tensor [60000, 28, 28, 64], "
            "but this kernel's memory cap CNNLAB_MAX_MEMORY=64M leaves"
        )
        assert "Fix: use a smaller batch or shape" in content["evalue"]
        after = execute(kc, "[tf.memory().numTensors, tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]]")
        assert after.status == "ok", after.reply["content"]
        assert after.result == f"[ {setup.result}, 3 ]"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
