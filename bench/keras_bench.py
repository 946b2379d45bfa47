"""The Keras side of cnnlab's bench: the same networks, data and steps as bench/training.ts, in TensorFlow/Keras.

Run by bench/run.ts inside .venv-bench:  python keras_bench.py '<json config>'
config: {"mnist": dir with the IDX files, "runs": [{"model": "lenet5"|"deep", "batch": 64, "steps": 100}], "threads": 0}
Prints one line "BENCH {json}" per run.
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


def read_mnist(directory, limit):
    with open(os.path.join(directory, "train-images-idx3-ubyte"), "rb") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    with open(os.path.join(directory, "train-labels-idx1-ubyte"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    count = min(limit, labels.shape[0])
    x = images[: count * 784].reshape(count, 28, 28, 1).astype(np.float32) / 255.0
    y = keras.utils.to_categorical(labels[:count], 10).astype(np.float32)
    return x, y


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
    model = [keras.Input((28, 28, 1))]
    for block in range(8):
        model += [layers.Conv2D(32, 3, padding="same", use_bias=False), layers.BatchNormalization(), layers.Activation("relu")]
        if block in (1, 3):
            model.append(layers.MaxPooling2D(2))
    model += [layers.GlobalAveragePooling2D(), layers.Dense(10, activation="softmax")]
    return keras.Sequential(model)


def main():
    config = json.loads(sys.argv[1])
    threads = int(config.get("threads", 0))
    if threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    largest = max(run["batch"] * max(run["steps"], 2) for run in config["runs"])
    x_all, y_all = read_mnist(config["mnist"], min(60000, largest))
    for run in config["runs"]:
        batch, steps = run["batch"], run["steps"]
        result = {"engine": "keras", "backend": "tensorflow " + tf.__version__, "threads": threads or os.cpu_count(),
                  "model": run["model"], "batch": batch, "steps": steps}
        try:
            model = build(run["model"])
            model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy")
            n = min(x_all.shape[0], steps * batch)
            x, y = x_all[:n], y_all[:n]
            model.fit(x[: 2 * batch], y[: 2 * batch], batch_size=batch, epochs=1, verbose=0)  # traces the graph
            start = time.perf_counter()
            history = model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)
            result["trainImagesPerSecond"] = n / (time.perf_counter() - start)
            result["finalLoss"] = float(history.history["loss"][-1])
            count = min(n, 2048)
            model.predict(x[:256], batch_size=256, verbose=0)
            start = time.perf_counter()
            model.predict(x[:count], batch_size=256, verbose=0)
            result["inferenceImagesPerSecond"] = count / (time.perf_counter() - start)
        except Exception as error:  # report, keep benching the other runs
            result["error"] = str(error).splitlines()[0]
        result["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print("BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
