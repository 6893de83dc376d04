"""``zoo interpolate``: strips of images decoded from codes between pairs of drawn codes."""
from __future__ import annotations

import argparse

from zoo.cli.arguments import add_device, add_model, add_output, at_least, positive_int

NAME = "interpolate"
HELP = "decode straight lines between codes of an autoencoder to a PNG"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=positive_int, default=8, help="number of strips (default 8)")
    parser.add_argument("--steps", type=at_least(2), default=10, help="images per strip, ends included (default 10)")
    add_device(parser)
    add_output(parser, "interpolation.png")


def run(args: argparse.Namespace) -> int:
    from torchvision.utils import save_image

    from zoo.cli.outputs import writable_output
    from zoo.errors import ZooError
    from zoo.hub.load import load
    from zoo.models.autoencoder import Autoencoder, interpolation_strips

    output = writable_output(args.output)
    model = load(args.name, device=args.device)
    if not isinstance(model, Autoencoder):
        raise ZooError(f"{args.name!r} is a {model.spec.family}, not an autoencoder: it has no codes to interpolate")
    strips = interpolation_strips(model, args.rows, args.steps, args.seed)
    save_image(strips, output, nrow=args.steps, padding=2)
    print(f"wrote {args.rows} latent interpolation strips of {args.name} to {output}")
    return 0
