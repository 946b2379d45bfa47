"""The Keras side of cnnlab's bench: the same networks, data and steps as bench/training.ts, in TensorFlow/Keras.

Run by bench/run.ts inside .venv-bench:  python keras_bench.py '<json config>'
config: {"mnist": dir with the IDX files, "runs": [{"model": "lenet5"|"vgg", "batch": 64, "steps": 100}], "threads": 2}
Prints one line "BENCH {json}" per run. Each run trains a fresh model with model.fit (what Keras users run): a
two-batch warm-up that traces the graph, then one timed, shuffled epoch over steps × batch images; then inference on
INFERENCE_IMAGES images at batch 256. One process runs all runs, so a row's peak RSS is the process's so far.
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow import keras  # noqa: E402

from mnist_idx import read_mnist as read_idx  # noqa: E402

INFERENCE_IMAGES = 2048


def read_mnist(directory, limit):
    images, labels = read_idx(directory, limit)
    return images[..., None], keras.utils.to_categorical(labels, 10).astype(np.float32)


def build(name):
    layers = keras.layers
    if name == "lenet5":
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(6, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(16, 5, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(120, activation="relu"),
            layers.Dense(84, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ])
    if name == "vgg":
        model = [keras.Input((28, 28, 1))]
        for width in (16, 32):
            for _ in range(2):
                # No bias before batch norm; PyTorch's BatchNorm2d defaults (momentum 0.9 in Keras's convention,
                # epsilon 1e-5), as in bench/models.ts and bench/torch_bench.py.
                model += [layers.Conv2D(width, 3, padding="same", use_bias=False),
                          layers.BatchNormalization(momentum=0.9, epsilon=1e-5), layers.Activation("relu")]
            model.append(layers.MaxPooling2D(2))
        model += [layers.Flatten(), layers.Dropout(0.25), layers.Dense(64, activation="relu"),
                  layers.Dense(10, activation="softmax")]
        return keras.Sequential(model)
    raise ValueError("unknown model " + name)


def main():
    config = json.loads(sys.argv[1])
    threads = int(config.get("threads", 0))
    if threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    largest = max([run["batch"] * max(run["steps"], 2) for run in config["runs"]] + [INFERENCE_IMAGES])
    x_all, y_all = read_mnist(config["mnist"], min(60000, largest))
    for run in config["runs"]:
        batch, steps = run["batch"], run["steps"]
        result = {"engine": "keras", "backend": "tensorflow " + tf.__version__, "requestedThreads": threads,
                  "threads": threads or os.cpu_count(), "model": run["model"], "batch": batch, "steps": steps,
                  "forwardFlops": 0}
        try:
            model = build(run["model"])
            model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy")
            n = min(x_all.shape[0], steps * batch)
            x, y = x_all[:n], y_all[:n]
            model.fit(x[: 2 * batch], y[: 2 * batch], batch_size=batch, epochs=1, verbose=0)  # traces the graph
            start = time.perf_counter()
            history = model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
            result["trainImagesPerSecond"] = n / (time.perf_counter() - start)
            result["finalLoss"] = float(history.history["loss"][-1])
            count = INFERENCE_IMAGES
            result["inferenceImages"] = count
            model.predict(x_all[:256], batch_size=256, verbose=0)
            start = time.perf_counter()
            model.predict(x_all[:count], batch_size=256, verbose=0)
            result["inferenceImagesPerSecond"] = count / (time.perf_counter() - start)
        except Exception as error:  # report, keep benching the other runs
            result["error"] = (str(error).splitlines() or [type(error).__name__])[0]
        result["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print("BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
