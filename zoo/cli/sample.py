"""``zoo sample``: a model's samples to a picture grid, or many to a file of tensors."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zoo.cli.arguments import add_device, positive_int
from zoo.cli.codes import parse_sweep
from zoo.cli.labels import parse_labels
from zoo.cli.samplefiles import MAX_GRID
from zoo.errors import ZooError

NAME = "sample"
HELP = "sample a pretrained model to a PNG grid, or many samples to a .npy/.safetensors file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="model name or a model folder")
    parser.add_argument("-n", type=positive_int, default=64, help="number of images (default 64, at most 10000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--nrow", type=positive_int, default=None,
                        help="images per row (default: square grid; with --labels, one label list per row)")
    add_device(parser)
    parser.add_argument("--labels", type=parse_labels, default=None, metavar="0-9|3,3,7",
                        help="conditional models: the classes to draw, repeated to N images")
    parser.add_argument("--sweep", type=parse_sweep, default=None, metavar="categorical|continuous[:K]",
                        help="models with codes (InfoGAN): rows of one noise each, the code changing along the row "
                             "(every category, or --nrow values of continuous code K from -1 to 1)")
    parser.add_argument("-o", "--output", type=Path, default=Path("samples.png"),
                        help=f"a picture grid (.png, at most {MAX_GRID} images; default samples.png), or a .npy or "
                             ".safetensors file of all N samples as float32 (N, C, H, W) in [0, 1], written in batches")


def run(args: argparse.Namespace) -> int:
    from zoo.cli.outputs import writable_output
    from zoo.cli.samplefiles import check_grid, holds_tensors
    from zoo.core import limits
    from zoo.hub.load import load
    from zoo.models.architecture import architecture
    from zoo.models.base import GenerativeModel
    from zoo.models.translation import TranslationModel

    if args.labels is not None and args.sweep is not None:
        raise ZooError("give --labels or --sweep, not both")
    limits.check_count("-n", args.n, limits.MAX_SAMPLES)
    tensors = holds_tensors(args.output)
    if not tensors:
        check_grid(args.output, args.n)
    output = writable_output(args.output)
    model = load(args.name, device=args.device)
    if not isinstance(model, GenerativeModel):
        raise ZooError(f"{args.name!r} is a {model.spec.family}, it does not sample images")
    if tensors:
        limits.check_room(output, limits.tensor_bytes(args.n, architecture(model).image_shape))
    conditioning = {} if args.labels is None else {"labels": _labels(model, args)}  # refused unless conditional
    if args.sweep is not None:
        count, nrow = _write_sweep(model, args, output, tensors)
    elif isinstance(model, TranslationModel):
        return _write_translations(model, args, output, tensors)
    else:
        count, nrow = args.n, _grid_width(args)
        _write(model.sample_batches(args.n, seed=args.seed, **conditioning), args, output, tensors, count, nrow)
    print(f"wrote {count} samples of {args.name} to {output}")
    return 0


def _labels(model: Any, args: argparse.Namespace) -> list[int]:
    from zoo.cli.labels import labels_for

    return labels_for(model, args.name, args.labels, args.n)


def _write_translations(model: Any, args: argparse.Namespace, output: Path, tensors: bool) -> int:
    """A translation model's samples beside the stored inputs they were translated from: in a grid,
    each input left of its output; with a file of tensors, the inputs in a second file beside it."""
    from zoo.cli.outputs import writable_output

    batches = model.sample_batches(args.n, seed=args.seed)
    if tensors:
        inputs_path = writable_output(output.with_name(f"{output.stem}.inputs{output.suffix}"))
        _write(batches, args, output, True, args.n, 0)
        _write(_input_batches(model, args), args, inputs_path, True, args.n, 0)
        print(f"wrote {args.n} samples of {args.name} to {output} and the inputs they translate to {inputs_path}")
        return 0
    from zoo.core.grid import save_image

    pairs = _pairs(model.sample_inputs(args.n, seed=args.seed), batches, args)
    save_image(pairs, output, nrow=2 * (args.nrow or max(1, round(args.n**0.5))), padding=2)
    print(f"wrote {args.n} inputs of {args.name}, each left of its translation, to {output}")
    return 0


def _input_batches(model: Any, args: argparse.Namespace, size: int = 1000) -> Any:
    for start in range(0, args.n, size):
        yield model.sample_inputs(min(start + size, args.n), seed=args.seed, start=start)


def _pairs(inputs: Any, batches: Any, args: argparse.Namespace) -> Any:
    """Inputs and outputs interleaved, with as many channels as the one that has more; smaller inputs
    (a super-resolution model's) are enlarged to the outputs' size, each pixel a block."""
    import torch
    import torch.nn.functional as F

    from zoo.cli.progress import counted_batches

    outputs = torch.cat(list(counted_batches(batches, args.n, f"sampling {args.name}"))).to(inputs.device)
    if inputs.shape[2:] != outputs.shape[2:]:
        inputs = F.interpolate(inputs, size=outputs.shape[2:], mode="nearest")
    channels = max(inputs.shape[1], outputs.shape[1])
    inputs, outputs = (x.expand(-1, channels, -1, -1) for x in (inputs, outputs))
    return torch.stack([inputs, outputs], 1).flatten(0, 1)


def _grid_width(args: argparse.Namespace) -> int:
    if args.nrow:
        return args.nrow
    if args.labels is not None and len(args.labels) > 1:
        return len(args.labels)
    return max(1, round(args.n**0.5))


def _write_sweep(model: Any, args: argparse.Namespace, output: Path, tensors: bool) -> tuple[int, int]:
    """Rows of a code sweep; returns the number of images and of images per row."""
    from zoo.cli import codes
    from zoo.cli.progress import counted

    coded = codes.check_sweep(model, args.name, args.sweep)
    columns = codes.steps(coded, args.sweep, args.nrow)
    rows = max(1, args.n // columns)
    drawn = codes.sweep_columns(coded, args.sweep, rows, columns, args.seed)
    grid = codes.as_rows(list(counted(drawn, columns, f"sampling {args.name}", unit="column")))
    _write([grid], args, output, tensors, len(grid), columns)
    return len(grid), columns


def _write(batches: Any, args: argparse.Namespace, output: Path, tensors: bool, count: int, nrow: int) -> None:
    """The images of ``batches`` to a file of tensors or a picture grid, with a progress bar."""
    import torch

    from zoo.cli.progress import counted_batches
    from zoo.cli.samplefiles import write_samples

    shown = counted_batches(batches, count, f"sampling {args.name}")
    if tensors:
        metadata = {"zoo_model": args.name, "seed": str(args.seed), "values": "float32 images in [0, 1]"}
        write_samples(output, count, shown, metadata)
    else:
        from zoo.core.grid import save_image

        save_image(torch.cat(list(shown)), output, nrow=nrow, padding=2)
