"""Executes one notebook with the cnnlab kernel and says how far it is while it runs (`npm run notebooks` calls it).

    .venv/bin/python scripts/execute_notebook.py SOURCE.ipynb OUTPUT.ipynb

nbconvert --execute prints nothing until a lesson is done, which in full mode is minutes. This prints, as the lesson
runs: the cell it starts (k of N) with the elapsed time, each line the lesson prints, and the training dashboard's
progress line (at most every 5 s). The kernel starts in the source's folder, as when a student opens the lesson
there; the executed copy goes to OUTPUT and the source is never written.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

DASHBOARD_EVERY_SECONDS = 5.0


def clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class ReportingClient(NotebookClient):
    """A NotebookClient that reports progress on stdout."""

    def __init__(self, nb: nbformat.NotebookNode, name: str, **kwargs) -> None:
        super().__init__(nb, **kwargs)
        self.name = name
        self.started = time.monotonic()
        self.code_cells = sum(1 for cell in nb.cells if cell.cell_type == "code")
        self.code_cell = 0
        self.last_dashboard = 0.0

    def say(self, text: str) -> None:
        print(f"[{self.name} {clock(time.monotonic() - self.started)}] {text}", flush=True)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type == "code":
            self.code_cell += 1
            first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
            self.say(f"cell {self.code_cell}/{self.code_cells}: {first_line[:80]}")
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    def process_message(self, msg, cell, cell_index):
        msg_type = msg["msg_type"]
        content = msg["content"]
        if msg_type == "stream":
            for line in content["text"].rstrip("\n").splitlines():
                self.say(f"  {line}")
        elif msg_type in ("display_data", "update_display_data"):
            text = content.get("data", {}).get("text/plain", "")
            now = time.monotonic()
            # The training dashboard's text/plain is its progress line ("training [###…] 453/9380 …").
            if isinstance(text, str) and text.startswith(("training", "interrupted")) and now - self.last_dashboard >= DASHBOARD_EVERY_SECONDS:
                self.last_dashboard = now
                self.say(f"  {text.splitlines()[0][:160]}")
        elif msg_type == "error":
            self.say(f"  {content.get('ename')}: {content.get('evalue')}")
        return super().process_message(msg, cell, cell_index)


def main(source: str, output: str) -> int:
    path = Path(source).resolve()
    nb = nbformat.read(path, as_version=4)
    client = ReportingClient(nb, path.stem, kernel_name="cnnlab", timeout=None, resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as error:  # a failing cell: keep what ran, say where it stopped
        client.say(f"FAILED: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        nbformat.write(nb, output)
        return 1
    nbformat.write(nb, output)
    client.say(f"done, {client.code_cells} code cells")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
