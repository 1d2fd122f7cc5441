"""Cleaning a group of series before the fit: bursts clipped, the history before a launch
moved to the level after it. Both are vectorised over series (rows) on a shared grid."""

from __future__ import annotations

import numpy as np


def clip_spikes(values: np.ndarray, width: int = 5, chunk: int = 500) -> np.ndarray:
    """Clip points far from their neighbours' median (bursts of one or two samples).

    The spread allowed is four robust standard deviations of the distance to the rolling
    median, and never less than 1% of the series' level, so a perfectly flat series with
    one burst is still cleaned. Chunked so 10,000 long series stay small in memory.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    series, points = values.shape
    if points < width:
        return values
    out = np.empty_like(values)
    half = width // 2
    for start in range(0, series, chunk):
        block = values[start : start + chunk]
        padded = np.pad(block, ((0, 0), (half, half)), mode="reflect")
        baseline = np.median(sliding_window_view(padded, width, axis=1), axis=2)
        distance = block - baseline
        spread = 1.4826 * np.median(np.abs(distance), axis=1, keepdims=True)
        floor = 0.01 * np.abs(np.median(baseline, axis=1, keepdims=True)) + 1e-9
        allowed = 4 * np.maximum(spread, floor)
        out[start : start + chunk] = np.clip(block, baseline - allowed, baseline + allowed)
    return out


def remove_level_shifts(
    values: np.ndarray, min_fraction: float = 0.1, threshold: float = 6.0
) -> np.ndarray:
    """Move each series' history before its largest level shift to the level after it.

    A shift at ``k`` is the difference of the means of the windows before and after ``k``,
    in units of the series' noise (the robust spread of its first differences); the largest
    one above ``threshold`` counts. Vectorised over series with cumulative sums.
    """
    series, points = values.shape
    window = max(3, int(points * min_fraction))
    if points < 2 * window + 1:
        return values
    cumulative = np.concatenate([np.zeros((series, 1)), np.cumsum(values, axis=1)], axis=1)
    ks = np.arange(window, points - window + 1)
    before = (cumulative[:, ks] - cumulative[:, ks - window]) / window
    after = (cumulative[:, ks + window] - cumulative[:, ks]) / window
    diffs = np.diff(values, axis=1)
    noise = (
        1.4826 * np.median(np.abs(diffs - np.median(diffs, axis=1, keepdims=True)), axis=1) + 1e-9
    )
    # a trend also moves the window means apart: compare with what the trend explains
    trend = np.median(diffs, axis=1) * window
    jump = after - before - trend[:, None]
    score = np.abs(jump) / (noise[:, None] * np.sqrt(2.0 / window) * window**0.5 + 1e-9)
    best = np.argmax(score, axis=1)
    adjusted = values.copy()
    for i in np.nonzero(score[np.arange(series), best] > threshold)[0]:
        k = ks[best[i]]
        adjusted[i, :k] += jump[i, best[i]]
    return adjusted
