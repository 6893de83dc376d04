"""Core overhead ratios: CLI start-up and sampling against their bare-torch baselines.

    python benchmarks/core_overhead.py [--repeats 5]

Targets: `zoo sample` <= 1.3x `import torch, torchvision`; `zoo list` <= 4x a bare
Python start; `sample(10000)` at most 3% slower than a bare loop over the
generator's forward pass that keeps its 10000 images in one tensor, as
`sample` returns them (allocating and filling that tensor costs the same on
both sides, and on some machines up to 15% of the loop).

Each start-up time is the best of the repeats (as ``timeit`` advises): on a
shared machine the slower runs measure the neighbours, not the code. The
sampling ratio is the median of the ratios of back-to-back runs of the two
loops, so drifts in machine speed hit both sides of each ratio alike.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ZOO = [sys.executable, "-m", "zoo.cli"]


def wall(cmd: list[str], repeats: int) -> float:
    """Best wall time of a command over ``repeats`` runs, after one warm-up run."""
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def sampling_overhead(n: int, repeats: int) -> float:
    import torch

    import zoo

    model = zoo.load("dcgan-mnist")
    rng = torch.Generator().manual_seed(0)

    @torch.inference_mode()
    def bare() -> None:
        images = torch.empty(n, *model.image_shape)  # the result a caller keeps, as sample returns it
        for start in range(0, n, 1000):
            count = min(1000, n - start)
            z = torch.randn(count, model.latent_dim, generator=rng)
            ids = torch.multinomial(model.cluster_weights, count, replacement=True, generator=rng) if model.clusters else None
            images[start : start + count] = model(z, ids).add_(1).mul_(0.5).clamp_(0, 1)

    def api() -> None:
        model.sample(n, seed=0)

    def seconds(fn: Callable[[], None]) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    bare(), api()  # warm-up
    return statistics.median(seconds(api) / seconds(bare) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        png = str(Path(tmp) / "x.png")
        sample = wall([*ZOO, "sample", "dcgan-mnist", "-n", "64", "-o", png], args.repeats)
    imports = wall([sys.executable, "-c", "import torch, torchvision"], args.repeats)
    listing = wall([*ZOO, "list"], args.repeats)
    bare_python = wall([sys.executable, "-c", "pass"], args.repeats)
    sampling = sampling_overhead(10000, 2 * args.repeats)
    rows = [
        ("zoo sample -n 64 / import torch, torchvision", sample / imports, 1.3),
        ("zoo list / python -c pass", listing / bare_python, 4.0),
        ("sample(10000) / bare forward loop", sampling, 1.03),
    ]
    print(f"{'ratio':<46} {'value':>7} {'target':>7}")
    for label, value, target in rows:
        print(f"{label:<46} {value:7.3f} {'<=' + str(target):>7} {'ok' if value <= target else 'OVER'}")


if __name__ == "__main__":
    main()
