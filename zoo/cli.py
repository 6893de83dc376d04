"""The ``zoo`` command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from .errors import ZooError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    COMMANDS[func.__name__.removeprefix("cmd_").replace("_", "-")] = func
    return func


@command
def cmd_list(args: argparse.Namespace) -> int:
    from .registry import get_registry

    registry = get_registry()
    names = registry.names(args.pattern)
    if not names:
        print(f"no model matches {args.pattern!r}", file=sys.stderr)
        return 1
    width = max(len(n) for n in names)
    for name in names:
        spec = registry.specs[name]
        weights = "pretrained" if spec.checkpoint else "-"
        print(f"{name:<{width}}  {spec.family:<14} {weights:<10}  {spec.summary}")
    return 0


@command
def cmd_info(args: argparse.Namespace) -> int:
    from .describe import describe

    print(json.dumps(describe(args.name), indent=2))
    return 0


@command
def cmd_sample(args: argparse.Namespace) -> int:
    from torchvision.utils import save_image

    from .loading import load

    model = load(args.name, device=args.device)
    if not hasattr(model, "sample"):
        raise ZooError(f"{args.name!r} is a {model.spec.family}, it does not sample images")
    images = model.sample(args.n, seed=args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_image(images, args.output, nrow=args.nrow or max(1, round(args.n**0.5)), padding=2)
    print(f"wrote {args.n} samples of {args.name} to {args.output}")
    return 0


@command
def cmd_download(args: argparse.Namespace) -> int:
    from . import hub
    from .registry import get_spec

    spec = get_spec(args.name)
    if spec.checkpoint is None:
        raise ZooError(f"model {spec.name!r} has no pretrained weights to download")
    for filename in spec.checkpoint.files:
        found = hub.resolve(spec.checkpoint, filename)
        print(f"{filename}: verified sha256, {found.path} (from {found.source})")
    return 0


@command
def cmd_train(args: argparse.Namespace) -> int:
    from .registry import get_spec
    from .training import Trainer

    spec = get_spec(args.name)
    hparams = dict(_parse_setting(item) for item in args.set)
    if args.epochs is not None:
        hparams["epochs"] = args.epochs
    if args.batch_size is not None:
        hparams["batch_size"] = args.batch_size
    out = args.out or Path("runs") / spec.name
    trainer = Trainer(
        spec, out, data_root=args.data, hparams=hparams, seed=args.seed, device=args.device, command=args.invocation
    )
    trainer.run(resume=args.resume)
    print(f"trained {spec.name}; load it with zoo.load({str(out)!r})")
    return 0


@command
def cmd_evaluate(args: argparse.Namespace) -> int:
    from .loading import load
    from .publish import measure

    print(json.dumps(measure(load(args.name), args.data), indent=2))
    return 0


@command
def cmd_export(args: argparse.Namespace) -> int:
    from .catalog import format_entry, upsert_entry
    from .publish import export_run

    entry = export_run(args.run_dir, args.out, repo=args.repo, data_root=args.data, with_metrics=not args.no_metrics)
    print(f"wrote a hub folder for {entry.name} to {args.out}")
    if args.registry:
        upsert_entry(args.registry, entry)
        print(f"updated {args.registry}")
    else:
        print(format_entry(entry))
    return 0


def _parse_setting(item: str) -> tuple[str, object]:
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise ZooError(f"--set expects KEY=VALUE, got {item!r}")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zoo", description="A zoo of generative models with pretrained weights.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list models (fnmatch wildcards allowed)")
    p.add_argument("pattern", nargs="?", default=None)

    p = sub.add_parser("info", help="show a model's spec, weights and metrics as JSON")
    p.add_argument("name")

    p = sub.add_parser("sample", help="sample a pretrained model to a PNG grid")
    p.add_argument("name", help="model name or a model folder")
    p.add_argument("-n", type=_positive_int, default=64, help="number of images (default 64)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nrow", type=_positive_int, default=None, help="images per row (default: square grid)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1, ...")
    p.add_argument("-o", "--output", type=Path, default=Path("samples.png"))

    p = sub.add_parser("download", help="fetch a model's pinned files into the cache and verify them")
    p.add_argument("name")

    p = sub.add_parser("train", help="train a model with its recipe")
    p.add_argument("name")
    p.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout (default $ZOO_DATA or ./data)")
    p.add_argument("--out", type=Path, default=None, help="run folder (default runs/NAME)")
    p.add_argument("--epochs", type=_positive_int, default=None)
    p.add_argument("--batch-size", type=_positive_int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a recipe hyperparameter")
    p.add_argument("--resume", action="store_true", help="continue from the run folder's last checkpoint")

    p = sub.add_parser("evaluate", help="measure sample quality (or accuracy) of a model on its dataset")
    p.add_argument("name", help="model name or a model folder")
    p.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout")

    p = sub.add_parser("export", help="turn a run folder into a hub folder with a model card and registry entry")
    p.add_argument("run_dir", type=Path)
    p.add_argument("--out", type=Path, required=True, help="hub folder to write")
    p.add_argument("--repo", default=None, help="hub repo id (default generative-zoo/NAME)")
    p.add_argument("--data", type=Path, default=None, help="dataset root, for the card's metrics")
    p.add_argument("--no-metrics", action="store_true", help="skip measuring (no dataset needed)")
    p.add_argument("--registry", type=Path, default=None, help="write the entry into this registry.toml")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.invocation = " ".join(["zoo", *argv])
    try:
        return COMMANDS[args.command](args)
    except (ZooError, ValueError, TypeError) as exc:
        print(f"zoo {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
