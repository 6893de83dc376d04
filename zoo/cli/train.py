"""``zoo train``: run a flavour's recipe into a run folder."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zoo.cli.arguments import DATA_HELP, positive_int
from zoo.errors import ZooError

if TYPE_CHECKING:
    from zoo.core.spec import ModelSpec
    from zoo.train.trainer import RecordedData

NAME = "train"
HELP = "train a model with its recipe"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name")
    parser.add_argument("--data", type=Path, default=None, metavar="DIR", help=DATA_HELP)
    parser.add_argument("--out", type=Path, default=None, help="run folder (default runs/NAME)")
    parser.add_argument("--epochs", type=positive_int, default=None)
    parser.add_argument("--batch-size", type=positive_int, default=None)
    parser.add_argument("--seed", type=int, default=None, help="random seed of a new run (default 0)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (under torchrun: each process's own GPU)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a recipe hyperparameter")
    parser.add_argument("--resume", action="store_true", help="continue from the run folder's last checkpoint, if any")
    parser.add_argument("--dataset", default=None, help="train on another registered dataset than the model's")
    parser.add_argument("--images", type=Path, default=None, metavar="DIR",
                        help="train on a folder of image files: one subfolder per class, or none (unlabelled)")
    parser.add_argument("--image-size", type=positive_int, default=None, metavar="S",
                        help="with --images: the side of the square images the model makes (default: the flavour's own; at most 1024)")
    parser.add_argument("--channels", type=int, choices=[1, 3], default=None,
                        help="with --images: 1 (grey) or 3 (RGB); default: RGB when any image has colour")
    parser.add_argument("--precision", choices=["fp32", "bf16", "fp16"], default=None,
                        help="autocast precision (default fp32)")
    parser.add_argument("--compile", action="store_true", help="torch.compile the modules the recipe trains")
    parser.add_argument("--memory-format", choices=["contiguous", "channels-last"], default=None,
                        help="layout of the networks and batches (default channels-last on CPU, contiguous elsewhere)")
    parser.add_argument("--checkpoint-every", type=positive_int, default=None, metavar="STEPS",
                        help="also checkpoint every STEPS steps (always at each epoch end)")
    parser.add_argument("--max-steps", type=positive_int, default=None, metavar="N",
                        help="stop after N train steps in all, with a loadable model and a checkpoint to --resume from")
    parser.add_argument("--keep-epochs", action="store_true",
                        help="keep each epoch's sampling weights in RUN/epochs/NNN (zoo bench RUN@3 RUN@5 compares them)")


def run(args: argparse.Namespace) -> int:
    from zoo.core.registry import get_spec
    from zoo.train.trainer import Trainer, TrainingStopped, recorded_data

    spec = get_spec(args.name)
    hparams = dict(parse_setting(item) for item in args.set)
    if args.epochs is not None:
        hparams["epochs"] = args.epochs
    if args.batch_size is not None:
        hparams["batch_size"] = args.batch_size
    out = args.out or Path("runs") / spec.name
    data = _training_data(args, spec, recorded_data(out) if args.resume else None)  # a resumed run keeps its data
    trainer = Trainer(
        spec, out, hparams=hparams, seed=args.seed, device=args.device, command=args.invocation,
        precision=args.precision, compile_modules=args.compile or None,
        checkpoint_every=args.checkpoint_every, keep_epochs=args.keep_epochs or None,
        memory_format=args.memory_format, max_steps=args.max_steps, **data,
    )
    try:
        trainer.run(resume=args.resume)
    except TrainingStopped as exc:
        if trainer.world.main:
            print(f"zoo train: {exc}", file=sys.stderr)
        return 128 + exc.signum  # 143 for SIGTERM, what schedulers expect of a preempted job; 130 for Ctrl-C
    if trainer.world.main:
        print(f"trained {spec.name}; load it with zoo.load({str(out)!r})")
    return 0


def parse_setting(item: str) -> tuple[str, object]:
    """``KEY=VALUE`` as a key and a JSON value (a plain string when it is not JSON)."""
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise ZooError(f"--set expects KEY=VALUE, got {item!r}")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def _training_data(args: argparse.Namespace, spec: ModelSpec, recorded: RecordedData | None) -> dict[str, Any]:
    """The Trainer's data arguments: a folder of images (``--images``, or the one the resumed run
    was started on) with the model config it needs, or a registered dataset and its root."""
    from zoo.data.folders import is_folder_dataset
    from zoo.models.architecture import architecture
    from zoo.train.image_folder import folder_run

    if args.images is not None and (args.data is not None or args.dataset is not None):
        raise ZooError("give --images DIR, or --data ROOT and --dataset NAME, not both")
    images, config = args.images, {}
    chosen = args.images is not None or args.data is not None or args.dataset is not None
    if not chosen and recorded is not None and is_folder_dataset(recorded.dataset):
        images, config = recorded.root, recorded.model_config
    if images is None:
        if args.image_size is not None or args.channels is not None:
            raise ZooError(
                "--image-size and --channels go with --images DIR: a registered dataset has its own image shape"
            )
        return {"data_root": args.data or (recorded.root if recorded else None), "dataset": args.dataset}
    size = args.image_size or config.get("image_size") or architecture(spec).image_shape[1]
    channels = args.channels or config.get("channels")
    _check_size(spec, size, channels)
    run = folder_run(spec, images, size, channels, note=lambda line: print(f"zoo train: note: {line}", file=sys.stderr))
    return {"data": run.data, "data_root": images, "dataset": run.dataset, "model_config": run.model_config}


def _check_size(spec: ModelSpec, size: int, channels: int | None) -> None:
    """The flavour's own check that it can make ``size`` images (``--image-size``), as a one-line error."""
    from zoo.core.limits import MAX_IMAGE_SIZE, check_count
    from zoo.train.image_folder import check_buildable

    check_count("--image-size", size, MAX_IMAGE_SIZE)
    try:
        check_buildable(spec, {**spec.config, "image_size": size, "channels": channels or 1})
    except ValueError as exc:  # the architecture refusing the size asked for
        raise ZooError(str(exc)) from None
