"""Trainer overhead: the full `zoo train` path against a bare loop over the same recipe steps.

    python benchmarks/train_overhead.py --model dcgan-mnist --data ../shared/data [--images 60000] [--epochs 1] [--repeats 3]
        [--memory-format channels-last|contiguous]

Both sides build the recipe from the same seed, ``prepare`` it on the same
images and run its ``train_step`` on the same batches, in the same memory
format (the CPU default, channels-last, unless told), in the same order for
``--epochs`` epochs: once through ``zoo.train.trainer.Trainer`` (the `zoo train` path: progress
bar, step log, checkpoint, per-epoch probe, sample grid, loss plot and model
folder, at their default frequency) and once as a bare PyTorch loop. The two
run back to back in each repeat and the printed ratio is the median of the
repeats' ratios, so that drifts in machine speed hit both sides alike. Without
``--data`` the toy crosses stand in for the dataset (quick, but the per-epoch
work then weighs more than in a real epoch). The last line is
``trainer/bare RATIO``; the target is at most 1.05 for dcgan-mnist and vae-mnist.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from zoo.data.datasets import ImageData, batches, load_dataset
from zoo.core.registry import get_spec
from zoo.train.trainer import MEMORY_FORMATS, Trainer
from zoo_plugins.crosses.data import crosses


def training_images(model: str, data_root: Path | None, count: int) -> tuple[ImageData, str]:
    """The first ``count`` training images of the model's dataset (or toy crosses without a root)."""
    if data_root is None:
        return crosses(count, seed=0)[0], "crosses"
    dataset = get_spec(model).dataset
    data = load_dataset(dataset, data_root, train=True)
    return ImageData(data.images[:count], data.labels[:count]), dataset


def through_trainer(model: str, data: ImageData, dataset: str, hparams: dict, seed: int, memory_format: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        Trainer(get_spec(model), Path(tmp) / "run", data=data, dataset=dataset, hparams=hparams, seed=seed,
                progress=True, memory_format=memory_format).run()
        return time.perf_counter() - start


def bare_loop(model: str, data: ImageData, hparams: dict, seed: int, memory_format: str) -> float:
    spec = get_spec(model)
    recipe_cls = spec.recipe_class()
    hparams = {**recipe_cls.defaults, **hparams}
    start = time.perf_counter()
    torch.manual_seed(seed)
    recipe = recipe_cls(spec, dict(spec.config), hparams, torch.device("cpu"), len(data) // hparams["batch_size"])
    recipe.prepare(data)
    layout = MEMORY_FORMATS[memory_format]
    for module in recipe.trainable_modules().values():
        module.to(memory_format=layout)
    for epoch in range(hparams["epochs"]):
        for images, labels in batches(data, hparams["batch_size"], seed=seed * 100003 + epoch):
            recipe.train_step(images.contiguous(memory_format=layout), labels)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="dcgan-mnist")
    parser.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout")
    parser.add_argument("--images", type=int, default=60000, help="training images in the epoch")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per run (the probe's schedule shows over several)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-format", choices=list(MEMORY_FORMATS), default="channels-last")
    args = parser.parse_args()
    data, dataset = training_images(args.model, args.data, args.images)
    hparams = {"epochs": args.epochs}
    ratios = []
    for repeat in range(args.repeats):
        trainer = through_trainer(args.model, data, dataset, hparams, args.seed, args.memory_format)
        bare = bare_loop(args.model, data, hparams, args.seed, args.memory_format)
        ratios.append(trainer / bare)
        print(f"repeat {repeat + 1}: trainer {trainer:.1f}s, bare {bare:.1f}s, ratio {ratios[-1]:.3f}", flush=True)
    print(f"{args.model}, {args.epochs} epoch(s) of {len(data)} {dataset} images, {torch.get_num_threads()} thread(s), "
          f"{args.memory_format}")
    print(f"trainer/bare {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
