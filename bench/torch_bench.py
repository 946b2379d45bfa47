"""The PyTorch side of cnnlab's bench: the same networks, data, optimiser and steps as bench/training.ts.

Run by bench/run.ts with the system python3 (Debian's python3-torch; PyPI's Linux wheel pulls the CUDA libraries):
    python3 torch_bench.py '<json config>'
config: {"mnist": dir with the IDX files, "runs": [{"model": "lenet5"|"vgg", "batch": 64, "steps": 100}], "threads": 2}
Prints one line "BENCH {json}" per run. Each run trains a fresh model: a one-batch warm-up, then one timed epoch over
steps × batch images in a new random order (train() shuffles every epoch too), reading the loss back every step as
train() does; then inference on INFERENCE_IMAGES images at batch 256.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

from mnist_idx import read_mnist as read_idx  # noqa: E402

INFERENCE_IMAGES = 2048


def read_mnist(directory, limit):
    images, labels = read_idx(directory, limit)
    return torch.from_numpy(images[:, None, :, :].copy()), torch.from_numpy(labels.astype(np.int64))


def build(name):
    # Softmax is folded into the loss (nn.CrossEntropyLoss takes logits), as PyTorch users write it.
    if name == "lenet5":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )
    if name == "vgg":
        layers, channels = [], 1
        for width, pool in ((16, False), (16, True), (32, False), (32, True)):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
            if pool:
                layers.append(nn.MaxPool2d(2))
            channels = width
        layers += [nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10)]
        return nn.Sequential(*layers)
    raise ValueError("unknown model " + name)


def main():
    config = json.loads(sys.argv[1])
    threads = int(config.get("threads", 0)) or os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    largest = max([run["batch"] * max(run["steps"], 1) for run in config["runs"]] + [INFERENCE_IMAGES])
    x_all, y_all = read_mnist(config["mnist"], min(60000, largest))
    for run in config["runs"]:
        batch, steps = run["batch"], run["steps"]
        result = {"engine": "pytorch", "backend": "torch " + torch.__version__, "requestedThreads": threads,
                  "threads": torch.get_num_threads(), "model": run["model"], "batch": batch, "steps": steps,
                  "forwardFlops": 0}
        try:
            model = build(run["model"])
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_function = nn.CrossEntropyLoss()
            n = min(x_all.shape[0], steps * batch)

            def epoch(count):
                model.train()
                order = torch.randperm(count)
                total = 0.0
                for start in range(0, count, batch):
                    rows = order[start:start + batch]
                    optimizer.zero_grad()
                    loss = loss_function(model(x_all[rows]), y_all[rows])
                    loss.backward()
                    optimizer.step()
                    total += loss.item()
                return total / max(1, (count + batch - 1) // batch)

            epoch(batch)  # warm-up, as on the tfjs side
            start = time.perf_counter()
            result["finalLoss"] = epoch(n)
            result["trainImagesPerSecond"] = n / (time.perf_counter() - start)
            model.eval()
            count = INFERENCE_IMAGES
            result["inferenceImages"] = count
            with torch.no_grad():
                model(x_all[:256])
                start = time.perf_counter()
                for first in range(0, count, 256):
                    model(x_all[first:first + 256])
                result["inferenceImagesPerSecond"] = count / (time.perf_counter() - start)
        except Exception as error:  # report, keep benching the other runs
            result["error"] = (str(error).splitlines() or [type(error).__name__])[0]
        result["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print("BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
