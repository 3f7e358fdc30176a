"""Vectorised sampling helpers shared by the generator's modules (no Python loops over rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Coded:
    """A column as codes into a small table of strings, turned into cells once rows are ordered.

    Gathering codes is cheap; gathering millions of string objects is not (cache misses).
    """

    table: np.ndarray
    codes: np.ndarray

    def cells(self, order: np.ndarray | None = None) -> np.ndarray:
        """The written strings, in ``order`` if given."""
        return self.table[self.codes if order is None else self.codes[order]]


def coded(values: Sequence[str], codes: np.ndarray) -> Coded:
    """``Coded`` column over ``values``."""
    return Coded(np.asarray(values, dtype=object), np.asarray(codes, dtype=np.int64))


def numbers(values: np.ndarray) -> Coded:
    """``Coded`` column of small non-negative integers written as decimal strings."""
    values = np.asarray(values, dtype=np.int64)
    return coded([str(i) for i in range(int(values.max(initial=0)) + 1)], values)


def categorical(rng: np.random.Generator, n: int, weights: Sequence[float]) -> np.ndarray:
    """``n`` draws of indices 0..k-1 with the given (unnormalised) weights."""
    cum = np.cumsum(np.asarray(weights, dtype=float))
    return np.searchsorted(cum / cum[-1], rng.random(n), side="right").clip(0, len(cum) - 1)


def categorical_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of an (n, k) matrix of row-wise (unnormalised) probabilities."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (cum <= u[:, None]).sum(axis=1).clip(0, probs.shape[1] - 1)


def pick(values: Sequence[str], idx: np.ndarray) -> np.ndarray:
    """Object array of ``values[idx]`` (the strings written to the extracts)."""
    return np.asarray(values, dtype=object)[idx]


def pick_within(
    rng: np.random.Generator, groups: Sequence[Sequence[str]], which: np.ndarray
) -> np.ndarray:
    """For each element, a uniform draw from ``groups[which]`` (ragged word lists)."""
    flat = np.asarray([w for g in groups for w in g], dtype=object)
    sizes = np.array([len(g) for g in groups])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return flat[offsets[which] + (rng.random(len(which)) * sizes[which]).astype(np.int64)]


def digits(
    rng: np.random.Generator, n: int, width: int, first: tuple[int, int] = (0, 9)
) -> np.ndarray:
    """``n`` random digit strings of ``width``, the first digit within ``first`` (inclusive)."""
    mat = rng.integers(0, 10, size=(n, width), dtype=np.uint8)
    if width:
        mat[:, 0] = rng.integers(first[0], first[1] + 1, size=n, dtype=np.uint8)
    return from_bytes(mat + ord("0"))


def from_bytes(mat: np.ndarray) -> np.ndarray:
    """Object array of ASCII strings, one per row of a uint8 matrix."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    return mat.view(f"S{mat.shape[1]}").ravel().astype(f"U{mat.shape[1]}").astype(object)


def to_bytes(strings: np.ndarray, width: int) -> np.ndarray:
    """uint8 matrix (n, width) of equal-length ASCII strings."""
    joined = "".join(strings.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(len(strings), width).copy()


def concat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation of object arrays and scalars."""
    out: np.ndarray | str = ""
    for p in parts:
        out = out + (p if isinstance(p, str) else np.asarray(p, dtype=object))
    return np.asarray(out, dtype=object)


def zero_pad(numbers: np.ndarray, width: int) -> np.ndarray:
    """Object array of non-negative integers left-padded with zeros to ``width``.

    Small values are formatted once each and shared, which keeps big tables light.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    top = int(numbers.max(initial=0))
    if top < 1_000_000:  # serials: format each distinct value once
        table = np.array([f"{i:0{width}d}" for i in range(top + 1)], dtype=object)
        return table[numbers]
    return np.char.zfill(numbers.astype(str), width).astype(object)
