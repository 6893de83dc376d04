"""``zoo traverse``: a grid whose rows each vary one code dimension of an autoencoder around a seeded code."""
from __future__ import annotations

import argparse

from zoo.cli.arguments import add_device, add_model, add_output, at_least
from zoo.errors import ZooError

NAME = "traverse"
HELP = "latent traversals of an autoencoder with a continuous code: one row per code dimension, to a PNG"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    parser.add_argument("--seed", type=int, default=0, help="which code the rows start from: the one sample(1, seed) "
                                                            "decodes (default 0)")
    parser.add_argument("--dims", type=_dims, default=None, metavar="D,D,...",
                        help="code dimensions to traverse, one row each (default: all, in order)")
    parser.add_argument("--steps", type=at_least(2), default=9,
                        help="images per row (default 9; rows x steps at most 4096 images)")
    parser.add_argument("--span", type=_span, default=2.5,
                        help="each row runs from SPAN standard deviations below the dimension's mean to SPAN above "
                             "(default 2.5)")
    parser.add_argument("--label", type=int, default=0, help="the class of every image, for conditional models "
                                                             "(default 0)")
    add_device(parser)
    add_output(parser, "traversal.png")


def run(args: argparse.Namespace) -> int:
    from zoo.cli.outputs import writable_output
    from zoo.core.grid import save_image
    from zoo.core.limits import MAX_GRID_IMAGES, check_count
    from zoo.hub.load import load
    from zoo.models.autoencoder import Autoencoder
    from zoo.models.base import ConditionalModel

    rows = len(args.dims) if args.dims is not None else None
    if rows is not None:
        check_count("--dims x --steps", rows * args.steps, MAX_GRID_IMAGES)
    output = writable_output(args.output)
    model = load(args.name, device=args.device)
    if not isinstance(model, Autoencoder) or not model.continuous_codes:
        what = "an autoencoder with discrete codes" if isinstance(model, Autoencoder) else f"a {model.spec.family}"
        raise ZooError(f"{args.name!r} is {what}: it has no continuous code dimensions to traverse")
    dims = list(range(model.latent_dim)) if args.dims is None else args.dims
    check_count("--dims x --steps", len(dims) * args.steps, MAX_GRID_IMAGES)
    if max(dims) >= model.latent_dim:
        raise ZooError(f"--dims: {args.name} has code dimensions 0 to {model.latent_dim - 1}, got {max(dims)}")
    conditioning = {}
    if isinstance(model, ConditionalModel):
        if not 0 <= args.label < model.num_classes:
            raise ZooError(f"--label must be a class from 0 to {model.num_classes - 1}, got {args.label}")
        conditioning["labels"] = [args.label] * (len(dims) * args.steps)
    images = model.traverse(dims, args.steps, args.span, seed=args.seed, **conditioning)
    save_image(images.float().cpu(), output, nrow=args.steps, padding=2)
    print(f"wrote traversals of {len(dims)} code dimensions of {args.name} ({args.steps} steps, "
          f"+-{args.span:g} standard deviations, seed {args.seed}) to {output}")
    return 0


def _dims(text: str) -> list[int]:
    """Comma-separated code dimensions, each a whole number of at least 0."""
    try:
        dims = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected code dimensions like 0,3,5, got {text!r}") from None
    if any(d < 0 for d in dims):
        raise argparse.ArgumentTypeError(f"code dimensions start at 0, got {text!r}")
    return dims


def _span(text: str) -> float:
    """A positive, finite number of standard deviations."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value
