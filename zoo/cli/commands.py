"""The ``zoo`` command line."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from zoo.errors import ZooError

if TYPE_CHECKING:
    from zoo.core.plugins import PluginInfo
    from zoo.core.spec import ModelSpec
    from zoo.train.trainer import RecordedData
    from zoo.evaluate.bench import BenchResult
from zoo.core.plugins import warnings_as_lines
from zoo.cli.samplefiles import MAX_GRID

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    COMMANDS[func.__name__.removeprefix("cmd_").replace("_", "-")] = func
    return func


@command
def cmd_list(args: argparse.Namespace) -> int:
    from zoo.core.registry import get_registry

    registry = get_registry()
    names = registry.names(args.pattern)
    if not names:
        print(f"no model matches {args.pattern!r}" if args.pattern else
              "no models are registered; check ZOO_LOAD_PLUGINS / ZOO_DISABLE_PLUGINS (zoo plugins lists them)",
              file=sys.stderr)
        return 1
    width = max(len(n) for n in names)
    for name in names:
        spec = registry.specs[name]
        weights = "pretrained" if spec.pins else "-"
        print(f"{name:<{width}}  {spec.family:<14} {weights:<10}  {spec.summary}")
    return 0


@command
def cmd_info(args: argparse.Namespace) -> int:
    from zoo.hub.describe import describe

    print(json.dumps(describe(args.name), indent=2))
    return 0


@command
def cmd_sample(args: argparse.Namespace) -> int:
    from zoo.hub.load import load
    from zoo.cli.outputs import writable_output
    from zoo.cli.samplefiles import check_grid, holds_tensors, write_samples

    tensors = holds_tensors(args.output)
    if not tensors:
        check_grid(args.output, args.n)
    output = writable_output(args.output)
    model = load(args.name, device=args.device)
    if not hasattr(model, "sample"):
        raise ZooError(f"{args.name!r} is a {model.spec.family}, it does not sample images")
    if tensors:
        metadata = {"zoo_model": args.name, "seed": str(args.seed), "values": "float32 images in [0, 1]"}
        write_samples(output, args.n, model.sample_batches(args.n, seed=args.seed), metadata)
    else:
        from torchvision.utils import save_image

        images = model.sample(args.n, seed=args.seed)
        save_image(images, output, nrow=args.nrow or max(1, round(args.n**0.5)), padding=2)
    print(f"wrote {args.n} samples of {args.name} to {output}")
    return 0


@command
def cmd_download(args: argparse.Namespace) -> int:
    from zoo.hub import resolve as hub
    from zoo.core.registry import get_registry

    checkpoint = get_registry().pinned(args.name)
    if checkpoint is None:
        raise ZooError(f"model {args.name!r} has no pretrained weights to download")
    for filename in checkpoint.files:
        found = hub.fetch(args.name, filename)
        print(f"{filename}: verified sha256, {found.path} (from {found.source})")
    return 0


@command
def cmd_train(args: argparse.Namespace) -> int:
    from zoo.core.registry import get_spec
    from zoo.train.trainer import Trainer, TrainingStopped, recorded_data

    spec = get_spec(args.name)
    hparams = dict(_parse_setting(item) for item in args.set)
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
        memory_format=args.memory_format, **data,
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


def _training_data(args: argparse.Namespace, spec: ModelSpec, recorded: RecordedData | None) -> dict[str, Any]:
    """The Trainer's data arguments: a folder of images (``--images``, or the one the resumed run
    was started on) with the model config it needs, or a registered dataset and its root."""
    from zoo.data.folders import is_folder_dataset
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
    size = args.image_size or config.get("image_size") or spec.image_shape[1]
    channels = args.channels or config.get("channels")
    run = folder_run(spec, images, size, channels, note=lambda line: print(f"zoo train: note: {line}", file=sys.stderr))
    return {"data": run.data, "data_root": images, "dataset": run.dataset, "model_config": run.model_config}


@command
def cmd_evaluate(args: argparse.Namespace) -> int:
    from zoo.evaluate.reference import evaluate_model
    from zoo.hub.load import load

    print(json.dumps(evaluate_model(load(args.name), args.data), indent=2))
    return 0


@command
def cmd_bench(args: argparse.Namespace) -> int:
    import shutil

    from zoo.evaluate import report
    from zoo.evaluate.bench import run_bench, select
    from zoo.evaluate.reference import load_reference
    from zoo.train.snapshots import expand

    labels = dict(pair for name in args.names for pair in expand(name))
    targets, skipped = select(list(labels), args.all, args.dataset)
    for name, reason in skipped.items():
        print(f"zoo bench: skipping {name}: {reason}", file=sys.stderr)
    result = run_bench(
        targets, lambda dataset: load_reference(dataset, args.data), n=args.n, seed=args.seed, device=args.device,
        batch_size=args.batch_size, calibration=not args.no_calibration, command=args.invocation,
    )
    for row in result.rows:
        row.name = labels.get(row.name, row.name)  # a run's snapshot shows as RUN@EPOCH
    paths = report.write_reports(result, args.out)
    unrecorded = _record(result) if args.record else 0
    formats = {"json": report.to_json, "csv": report.to_csv, "markdown": report.markdown_table,
               "wide": report.wide_table}
    chosen = next((name for name in formats if getattr(args, name)), None)
    width = shutil.get_terminal_size((120, 24)).columns
    print(formats[chosen](result) if chosen else report.text_table(result, width), end="")
    print(f"wrote {', '.join(str(path) for path in paths)}", file=sys.stderr)
    return 1 if unrecorded else 0


def _record(result: BenchResult) -> int:
    """Record the bench's numbers in their owners' catalogs, saying where; returns how many could not be."""
    from zoo.release.record import record

    failed = 0
    for outcome in record(result):
        if outcome.problem:
            failed += 1
            print(f"zoo bench: did not record {outcome.name}: {outcome.problem}", file=sys.stderr)
        else:
            card = f" and {outcome.card}" if outcome.card else ""
            print(f"zoo bench: recorded {outcome.name} in {outcome.catalog}{card}", file=sys.stderr)
    return failed


@command
def cmd_export(args: argparse.Namespace) -> int:
    from zoo.core.catalog import format_entry, upsert_entries
    from zoo.release.publish import export_run

    if args.into is not None and args.out is not None:
        raise ZooError("give --into PLUGIN_DIR or --out FOLDER, not both")
    exported = export_run(
        args.run_dir, args.out, repo=args.repo, data_root=args.data, with_metrics=not args.no_metrics,
        name=args.name, force=args.force, into=args.into, catalogued=args.registry is not None,
    )
    entry = exported.entry
    print(f"wrote a hub folder for {entry.name} to {exported.folder}")
    if exported.catalog is not None:
        print(f"updated {exported.catalog}")
    if args.registry:
        upsert_entries(args.registry.resolve(), [entry])
        print(f"updated {args.registry}")
    if exported.catalog is None and not args.registry:
        print(format_entry(entry))
    return 0


@command
def cmd_plugins(args: argparse.Namespace) -> int:
    import warnings
    from dataclasses import asdict

    from zoo.core.plugins import PluginWarning
    from zoo.core.registry import get_registry

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)  # the errors are listed below instead
        plugins = list(get_registry().plugins.plugins.values())
    if args.json:
        print(json.dumps([asdict(info) for info in plugins], indent=2))
    elif plugins:
        rows = [("plugin", "distribution", "version", "models")]
        rows += [(p.name, p.distribution, p.version, _registered(p)) for p in plugins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
        for p in plugins:
            if p.error:
                print(f"\nerror: {p.describe_error()}")
    else:
        print("no plugins are loaded (see ZOO_LOAD_PLUGINS and ZOO_DISABLE_PLUGINS)", file=sys.stderr)
    return 1 if not plugins or any(p.error for p in plugins) else 0


def _registered(plugin: PluginInfo) -> str:
    """The models a plugin registers, then its datasets (``dataset NAME``), for the listing."""
    names = [*plugin.models, *(f"dataset {name}" for name in plugin.datasets)]
    return ", ".join(names) or ("FAILED" if plugin.error else "-")


@command
def cmd_new_plugin(args: argparse.Namespace) -> int:
    from zoo.release.scaffold import new_plugin, substitutions

    folder = new_plugin(args.name, args.dir, dataset=args.dataset)
    print(f"created plugin {args.name!r} in {folder}:")
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        print(f"  {path}")
    model = substitutions(args.name, args.dataset)["model"]
    print(f"next:\n  pip install -e {folder}\n  zoo list {model}\n  pytest {folder}\n  zoo train {model} --epochs 1")
    return 0


@command
def cmd_search(args: argparse.Namespace) -> int:
    from zoo.hub.search import search

    found = search(args.pattern, endpoint=args.endpoint)
    if not found:
        print(f"no published zoo model matches {args.pattern!r}" if args.pattern else "no published zoo models",
              file=sys.stderr)
        return 1
    rows = [("repo", "model", "distribution", "installed")]
    rows += [(p.repo, p.model, p.distribution, p.installed or f"no: pip install {p.distribution}") for p in found]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    return 0


@command
def cmd_push(args: argparse.Namespace) -> int:
    from zoo.release.push import push_folder

    pushed = push_folder(args.folder, args.repo, private=args.private, message=args.message)
    print(f"pushed {args.folder} to {pushed.url} at commit {pushed.revision}")
    print(f'pin it in registry.toml: [models.NAME.hub] repo = "{args.repo}", revision = "{pushed.revision}"')
    return 0


@command
def cmd_interpolate(args: argparse.Namespace) -> int:
    from torchvision.utils import save_image

    from zoo.models.autoencoder import interpolation_strips
    from zoo.hub.load import load
    from zoo.cli.outputs import writable_output

    output = writable_output(args.output)
    strips = interpolation_strips(load(args.name, device=args.device), args.rows, args.steps, args.seed)
    save_image(strips, output, nrow=args.steps, padding=2)
    print(f"wrote {args.rows} latent interpolation strips of {args.name} to {output}")
    return 0


@command
def cmd_reconstruct(args: argparse.Namespace) -> int:
    import torch
    from torchvision.utils import save_image

    from zoo.models.autoencoder import as_autoencoder, reconstruction_rows
    from zoo.data.datasets import load_dataset
    from zoo.hub.load import load
    from zoo.cli.outputs import writable_output

    output = writable_output(args.output)
    model = as_autoencoder(load(args.name, device=args.device))
    test = load_dataset(model.spec.dataset, args.data, train=False)
    pick = torch.randperm(len(test), generator=torch.Generator().manual_seed(args.seed))[: args.rows * args.cols]
    grid = reconstruction_rows(model, test.images[pick], test.labels[pick], per_row=args.cols)
    save_image(grid, output, nrow=args.cols, padding=2)
    print(f"wrote {len(pick)} test digits (odd rows) and their reconstructions by {args.name} (even rows) to {output}")
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

    p = sub.add_parser("sample", help="sample a pretrained model to a PNG grid, or many samples to a .npy/.safetensors file")
    p.add_argument("name", help="model name or a model folder")
    p.add_argument("-n", type=_positive_int, default=64, help="number of images (default 64)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--nrow", type=_positive_int, default=None, help="images per row (default: square grid)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1, ...")
    p.add_argument("-o", "--output", type=Path, default=Path("samples.png"),
                   help=f"a picture grid (.png, at most {MAX_GRID} images; default samples.png), or a .npy or "
                        ".safetensors file of all N samples as float32 (N, C, H, W) in [0, 1], written in batches")

    p = sub.add_parser("download", help="fetch a model's pinned files into the cache and verify them")
    p.add_argument("name")

    p = sub.add_parser("train", help="train a model with its recipe")
    p.add_argument("name")
    p.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout (default $ZOO_DATA or ./data)")
    p.add_argument("--out", type=Path, default=None, help="run folder (default runs/NAME)")
    p.add_argument("--epochs", type=_positive_int, default=None)
    p.add_argument("--batch-size", type=_positive_int, default=None)
    p.add_argument("--seed", type=int, default=None, help="random seed of a new run (default 0)")
    p.add_argument("--device", default="cpu", help="cpu or cuda (under torchrun: each process's own GPU)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a recipe hyperparameter")
    p.add_argument("--resume", action="store_true", help="continue from the run folder's last checkpoint, if any")
    p.add_argument("--dataset", default=None, help="train on another registered dataset than the model's")
    p.add_argument("--images", type=Path, default=None, metavar="DIR",
                   help="train on a folder of image files: one subfolder per class, or none (unlabelled)")
    p.add_argument("--image-size", type=_positive_int, default=None, metavar="S",
                   help="with --images: the side of the square images the model makes (default: the flavour's own)")
    p.add_argument("--channels", type=int, choices=[1, 3], default=None,
                   help="with --images: 1 (grey) or 3 (RGB); default: RGB when any image has colour")
    p.add_argument("--precision", choices=["fp32", "bf16", "fp16"], default=None, help="autocast precision (default fp32)")
    p.add_argument("--compile", action="store_true", help="torch.compile the modules the recipe trains")
    p.add_argument("--memory-format", choices=["contiguous", "channels-last"], default=None,
                   help="layout of the networks and batches (default channels-last on CPU, contiguous elsewhere)")
    p.add_argument("--checkpoint-every", type=_positive_int, default=None, metavar="STEPS",
                   help="also checkpoint every STEPS steps (always at each epoch end)")
    p.add_argument("--keep-epochs", action="store_true",
                   help="keep each epoch's sampling weights in RUN/epochs/NNN (zoo bench RUN@3 RUN@5 compares them)")

    p = sub.add_parser("evaluate", help="measure sample quality (or accuracy) of a model on its dataset")
    p.add_argument("name", help="model name or a model folder")
    p.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout")

    p = sub.add_parser("bench", help="measure models side by side: quality, speed, size; table, PNG and HTML report")
    p.add_argument("names", nargs="*",
                   help="model names, fnmatch wildcards, model folders, or a run's kept epochs (RUN@3, RUN@1,5, RUN@all)")
    p.add_argument("--all", action="store_true", help="every pretrained model that samples images")
    p.add_argument("--dataset", default=None,
                   help="only models trained on this dataset (alone: every pretrained one of it)")
    p.add_argument("-n", type=_positive_int, default=10000, help="samples per model (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed of every model (default 0)")
    p.add_argument("--batch-size", type=_positive_int, default=1000, help="sampling batch size (default 1000)")
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1, ...")
    p.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout")
    p.add_argument("-o", "--out", type=Path, default=Path("bench"),
                   help="folder for bench.json/.csv/.md/.png/.html (default ./bench)")
    p.add_argument("--no-calibration", action="store_true", help="leave out the real and degraded real data rows")
    p.add_argument("--record", action="store_true",
                   help="write each model's numbers into the catalog of the distribution that owns it, and its card")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--wide", action="store_true",
                       help="print every column (default: a compact table that fits the terminal)")
    shown.add_argument("--json", action="store_true", help="print JSON instead of the table")
    shown.add_argument("--csv", action="store_true", help="print CSV instead of the table")
    shown.add_argument("--markdown", action="store_true", help="print a Markdown table (for README and model cards)")

    p = sub.add_parser("export", help="turn a run folder into a hub folder with a model card and catalog entry")
    p.add_argument("run_dir", type=Path)
    p.add_argument("--name", default=None, help="model name to publish the run as (default: from its config.json)")
    p.add_argument("--out", type=Path, default=None, help="hub folder to write (default exports/REPO)")
    p.add_argument("--into", type=Path, default=None, metavar="PLUGIN_DIR",
                   help="write the folder into the hub/ and the entry into the registry.toml of this plugin's package")
    p.add_argument("--force", action="store_true", help="replace an existing hub folder")
    p.add_argument("--repo", default=None,
                   help="hub repo id (default OWNER/NAME: generative-zoo for built-ins, else the plugin's distribution)")
    p.add_argument("--data", type=Path, default=None, help="dataset root, for the card's metrics")
    p.add_argument("--no-metrics", action="store_true", help="skip measuring (no dataset needed)")
    p.add_argument("--registry", type=Path, default=None, help="write the entry into this registry.toml")

    p = sub.add_parser("interpolate", help="decode straight lines between codes of an autoencoder to a PNG")
    p.add_argument("name", help="model name or a model folder")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rows", type=_positive_int, default=8, help="number of strips (default 8)")
    p.add_argument("--steps", type=_positive_int, default=10, help="images per strip, ends included (default 10)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1, ...")
    p.add_argument("-o", "--output", type=Path, default=Path("interpolation.png"))

    p = sub.add_parser("reconstruct", help="test digits and an autoencoder's reconstructions to a PNG")
    p.add_argument("name", help="model name or a model folder")
    p.add_argument("--data", type=Path, default=None, help="dataset root in torchvision layout")
    p.add_argument("--seed", type=int, default=0, help="which test digits")
    p.add_argument("--rows", type=_positive_int, default=4, help="rows of test digits (default 4)")
    p.add_argument("--cols", type=_positive_int, default=8, help="digits per row (default 8)")
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1, ...")
    p.add_argument("-o", "--output", type=Path, default=Path("reconstructions.png"))

    p = sub.add_parser("search", help="list the zoo's models published on a hub and the distribution each needs")
    p.add_argument("pattern", nargs="?", default=None, help="part of the repo id to look for")
    p.add_argument("--endpoint", default=None, help="hub URL (default $HF_ENDPOINT, else the Hugging Face hub)")

    p = sub.add_parser("push", help="upload an exported hub folder to a hub (HF_ENDPOINT, HF_TOKEN)")
    p.add_argument("folder", type=Path, help="folder written by zoo export")
    p.add_argument("--repo", required=True, help="hub repo id, owner/name")
    p.add_argument("--private", action="store_true", help="create the repo private")
    p.add_argument("--message", default=None, help="commit message")

    p = sub.add_parser("plugins", help="list installed plugins: distribution, version, models, load errors")
    p.add_argument("--json", action="store_true", help="print the list as JSON")

    p = sub.add_parser("new-plugin", help="create a plugin package for a new model in a new folder zoo-NAME")
    p.add_argument("name", help="plugin name: lowercase letters, digits, '-' or '_' (e.g. wgan)")
    p.add_argument("--dir", type=Path, default=Path("."), help="where to create zoo-NAME (default: here)")
    p.add_argument("--dataset", default=None,
                   help="the registered dataset the model trains on; it is named NAME-DATASET "
                        "(default: the dataset most pretrained models are trained on)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.invocation = " ".join(["zoo", *argv])
    try:
        with warnings_as_lines():
            if getattr(args, "device", None) is not None:
                from zoo.models.base import check_device

                check_device(args.device)
            code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except (ZooError, ValueError, TypeError) as exc:
        print(f"zoo {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (zoo info NAME | head -1)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit stays quiet
        return 141  # 128 + SIGPIPE, as for other programs in a pipe
    except OSError as exc:
        print(f"zoo {args.command}: error: {_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _os_error(exc: OSError) -> str:
    """An error of the operating system in one line that names the file."""
    if exc.filename is None:
        return str(exc)
    files = f"{exc.filename} -> {exc.filename2}" if exc.filename2 is not None else str(exc.filename)
    return f"{files}: {exc.strerror or exc}"
