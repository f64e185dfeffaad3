"""Two interleaved spirals: the examples' synthetic 2-D classification task (nothing to download)."""

import numpy as np


def spirals(n, rng):
    """`n` points (float32, shape (n, 2)) and their labels (int32, 0 or 1), drawn from `rng`."""
    t = rng.uniform(0.5, 3.5 * np.pi, n)
    label = rng.integers(0, 2, n)
    radius = t / (3.5 * np.pi)
    angle = t + np.pi * label
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1) + rng.normal(0, 0.02, (n, 2))
    return np.asarray(points, np.float32), np.asarray(label, np.int32)
