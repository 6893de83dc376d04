"""CPU training throughput of one recipe step: threads, memory format, autocast precision, compile.

    python benchmarks/train_throughput.py [--model dcgan-mnist] [--steps 30] [--repeats 3]

Each setting runs ``train_step`` of a freshly built recipe on the same random
batches (``batch_size`` from the recipe) after a few warm-up steps, and the
table gives images per second, the best of the repeats (the slower runs measure
the neighbours on a shared machine), and the ratio to the default setting
(fp32, contiguous, eager, all threads). A setting that raises is reported, not
fatal. Results go to stdout as Markdown, ready for ``benchmarks/results/``.
"""
from __future__ import annotations

import argparse
import contextlib
import time
from dataclasses import dataclass

import torch

from zoo.data.datasets import ImageData
from zoo.core.registry import get_spec


@dataclass(frozen=True)
class Setting:
    threads: int
    channels_last: bool = False
    bf16: bool = False
    compiled: bool = False

    def label(self) -> str:
        parts = [f"{self.threads} thread{'s' if self.threads > 1 else ''}"]
        parts += [name for name, on in (("channels-last", self.channels_last), ("bf16 autocast", self.bf16),
                                         ("compile", self.compiled)) if on]
        return ", ".join(parts)


def images_per_second(model: str, setting: Setting, steps: int, warmup: int = 3) -> float:
    spec = get_spec(model)
    recipe_cls = spec.recipe_class()
    hparams = dict(recipe_cls.defaults)
    batch = hparams["batch_size"]
    torch.set_num_threads(setting.threads)
    torch.manual_seed(0)
    recipe = recipe_cls(spec, dict(spec.config), hparams, torch.device("cpu"), steps)
    images = torch.rand(steps + warmup, batch, *spec.image_shape)
    labels = torch.randint(0, 10, (steps + warmup, batch))
    recipe.prepare(ImageData(images.flatten(0, 1), labels.flatten()))
    if setting.channels_last:
        for module in recipe.trainable_modules().values():
            module.to(memory_format=torch.channels_last)
    if setting.compiled:
        for module in recipe.trainable_modules().values():
            module.compile()
    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if setting.bf16 else contextlib.nullcontext()
    for step in range(steps + warmup):
        if step == warmup:
            start = time.perf_counter()
        x = images[step]
        if setting.channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        with autocast:
            recipe.train_step(x, labels[step])
    return steps * batch / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="dcgan-mnist")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    most = torch.get_num_threads()
    settings = [Setting(most), Setting(1), Setting(most, channels_last=True), Setting(most, bf16=True),
                Setting(most, compiled=True)]
    rates: dict[Setting, float | str] = {}
    for setting in settings:
        try:
            rates[setting] = max(images_per_second(args.model, setting, args.steps) for _ in range(args.repeats))
        except Exception as exc:  # noqa: BLE001 - a setting this machine cannot run is a result too
            rates[setting] = f"failed: {type(exc).__name__}"
    base = rates[settings[0]]
    print(f"| {args.model} training step on CPU | images/s | vs default |\n|---|---|---|")
    for setting, rate in rates.items():
        if isinstance(rate, str):
            print(f"| {setting.label()} | {rate} | |")
        else:
            print(f"| {setting.label()} | {rate:.0f} | {rate / base:.2f} |")


if __name__ == "__main__":
    main()
