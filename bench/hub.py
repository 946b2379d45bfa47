"""What a student costs on the classroom hub, and how many fit one machine: `npm run bench:hub [-- --fast]`.

Starts the hub (scripts/hub.mjs) as test/hub does and measures, through the students' own servers:
- one student's memory (resident set of their server and their kernel): with the kernel idle, after lesson 01, and
  at its peak during lesson 06's training (sampled every 0.2 s);
- lesson 01's time for 1, 2, 3 and 4 students at once, each as a ratio to the one student's run of this same run.
Lessons run in full mode unless --fast. Needs root (the hub makes an account per student).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "test" / "hub"))
from hub_driver import Hub, Student, rss_mib  # noqa: E402

LESSON_01 = "cnnlab/01-how-a-network-learns.ipynb"
LESSON_06 = "cnnlab/06-flatten-fully-connected-softmax.ipynb"
CLASS_SIZES = [1, 2, 3, 4]


def memory(student: Student) -> tuple[float, float]:
    processes = student.processes()
    return rss_mib(processes["server"]), rss_mib(processes["kernel"])


async def peak_during(student: Student, work) -> tuple[object, float]:
    """Runs `work` and samples the student's kernel memory meanwhile; its result and the peak in MiB."""
    peak = 0.0
    task = asyncio.ensure_future(work)
    while not task.done():
        peak = max(peak, memory(student)[1])
        await asyncio.wait([task], timeout=0.2)
    return task.result(), peak


async def measure(hub: Hub, fast: bool) -> None:
    await hub.wait_ready()
    mode = "fast" if fast else "full"
    names = [f"s{index}" for index in range(max(CLASS_SIZES))]
    students = await hub.add_students(names)
    first = students[0]

    _, kernel_id = await first.open_notebook(LESSON_01)
    await first.run_code("0", kernel_id)
    idle = memory(first)
    await first.server_api("DELETE", f"/kernels/{kernel_id}")

    times: dict[int, list[float]] = {}
    after_lesson_01 = None
    for size in CLASS_SIZES:
        runs = await asyncio.gather(*(student.run_lesson(LESSON_01) for student in students[:size]))
        for run in runs:
            if run.errors():
                raise SystemExit(f"{run.student}'s lesson 01 failed: {run.errors()}")
        times[size] = [run.seconds for run in runs]
        if size == 1:
            after_lesson_01 = memory(first)
        await stop_kernels(students[:size])

    run_06, peak = await peak_during(first, first.run_lesson(LESSON_06))
    if run_06.errors():
        raise SystemExit(f"lesson 06 failed: {run_06.errors()}")

    cores = psutil.cpu_count()
    total_gib = psutil.virtual_memory().total / 2**30
    alone = times[1][0]
    print(f"\nclassroom hub on {cores} cores / {total_gib:.0f} GiB, lessons in {mode} mode\n")
    print("| one student | server MiB | kernel MiB |")
    print("|---|---:|---:|")
    print(f"| kernel idle (started, one trivial cell) | {idle[0]:.0f} | {idle[1]:.0f} |")
    print(f"| after lesson 01 | {after_lesson_01[0]:.0f} | {after_lesson_01[1]:.0f} |")
    print(f"| peak during lesson 06's training | — | {peak:.0f} |")
    print()
    print("| students at once | lesson 01, slowest (s) | × one student alone |")
    print("|---:|---:|---:|")
    for size in CLASS_SIZES:
        slowest = max(times[size])
        print(f"| {size} | {slowest:.1f} | {slowest / alone:.2f}× |")
    within = [size for size in CLASS_SIZES if max(times[size]) / alone <= 2]
    per_student_gib = (after_lesson_01[0] + peak) / 1024
    print(
        f"\nwithin 2× of one student alone: up to {max(within)} measured at once (of {CLASS_SIZES});"
        f" memory for {int(total_gib // per_student_gib)} students at their lesson-06 peak"
        f" ({per_student_gib:.2f} GiB each: server + kernel peak)"
    )


async def stop_kernels(students: list[Student]) -> None:
    for student in students:
        for kernel in await student.server_api("GET", "/kernels"):
            await student.server_api("DELETE", f"/kernels/{kernel['id']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="run the lessons in fast mode (CNNLAB_FAST=1)")
    options = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("the classroom hub makes a system account per student, which needs root")
    os.environ["CNNLAB_FAST"] = "1" if options.fast else "0"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cnnlab-hub-bench-") as workspace:
        os.chmod(workspace, 0o755)
        hub = Hub(Path(workspace), ["--lang", "en", "--instructor"], "cnnlabbench-")
        try:
            asyncio.run(measure(hub, options.fast))
        finally:
            hub.stop()
    print(f"(bench took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
