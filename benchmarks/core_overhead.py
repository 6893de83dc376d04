"""Core overhead ratios: CLI start-up and sampling against their bare-torch baselines.

    python benchmarks/core_overhead.py [--repeats 5]

Targets: `zoo sample` <= 1.3x `import torch, torchvision`; `zoo list` <= 4x a bare
Python start; `sample(10000)` at most 3% slower than a bare loop over the
generator's forward pass.

Each time is the best of the repeats (as ``timeit`` advises): on a shared
machine the slower runs measure the neighbours, not the code.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def sampling_overhead(n: int, repeats: int) -> tuple[float, float]:
    import torch

    import zoo

    model = zoo.load("dcgan-mnist")
    rng = torch.Generator().manual_seed(0)

    @torch.inference_mode()
    def bare() -> None:
        for start in range(0, n, 1000):
            count = min(1000, n - start)
            z = torch.randn(count, model.latent_dim, generator=rng)
            ids = torch.multinomial(model.cluster_weights, count, replacement=True, generator=rng) if model.clusters else None
            model(z, ids).add_(1).mul_(0.5).clamp_(0, 1)

    def api() -> None:
        model.sample(n, seed=0)

    runs: dict[str, list[float]] = {"bare": [], "api": []}
    bare(), api()  # warm-up
    for _ in range(repeats):  # interleaved, so drifts in machine speed hit both alike
        for name, fn in (("bare", bare), ("api", api)):
            start = time.perf_counter()
            fn()
            runs[name].append(time.perf_counter() - start)
    return min(runs["api"]), min(runs["bare"])


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
    api, bare = sampling_overhead(10000, args.repeats)
    rows = [
        ("zoo sample -n 64 / import torch, torchvision", sample / imports, 1.3),
        ("zoo list / python -c pass", listing / bare_python, 4.0),
        ("sample(10000) / bare forward loop", api / bare, 1.03),
    ]
    print(f"{'ratio':<46} {'value':>7} {'target':>7}")
    for label, value, target in rows:
        print(f"{label:<46} {value:7.3f} {'<=' + str(target):>7} {'ok' if value <= target else 'OVER'}")


if __name__ == "__main__":
    main()
