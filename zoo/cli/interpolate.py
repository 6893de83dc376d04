"""``zoo interpolate``: strips of images made from codes on paths between pairs of drawn codes."""
from __future__ import annotations

import argparse
from typing import Any

from zoo.cli.arguments import add_device, add_model, add_output, at_least, positive_int
from zoo.errors import ZooError

NAME = "interpolate"
HELP = "images along paths between codes of a model with a latent space (GANs, autoencoders) to a PNG"
PATHS = ("slerp", "linear")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    parser.add_argument("--seed", type=int, default=0, help="which codes: the ends of strip r are the codes "
                                                            "sample(2 * rows, seed) draws for images 2r and 2r + 1")
    parser.add_argument("--rows", type=positive_int, default=8,
                        help="number of strips (default 8; rows x steps at most 4096 images)")
    parser.add_argument("--steps", type=at_least(2), default=10, help="images per strip, ends included (default 10)")
    parser.add_argument("--path", choices=PATHS, default=None,
                        help="slerp: the great circle between the codes (default for Gaussian codes, as GANs have); "
                             "linear: the straight line (default for autoencoders)")
    add_device(parser)
    add_output(parser, "interpolation.png")


def run(args: argparse.Namespace) -> int:
    import torch

    from zoo.cli.outputs import writable_output
    from zoo.cli.progress import counted
    from zoo.core.grid import save_image
    from zoo.core.limits import MAX_GRID_IMAGES, check_count
    from zoo.hub.load import load
    from zoo.models.latent import LatentSpace

    check_count("--rows x --steps", args.rows * args.steps, MAX_GRID_IMAGES)
    output = writable_output(args.output)
    model = load(args.name, device=args.device)
    if not isinstance(model, LatentSpace):
        raise ZooError(f"{args.name!r} is a {model.spec.family} without a latent space: it has no codes to interpolate")
    spherical = model.gaussian_latents if args.path is None else args.path == "slerp"
    strips = (_strip(model, args, row, spherical) for row in range(args.rows))
    images = torch.cat(list(counted(strips, args.rows, f"interpolating {args.name}", unit="strip")))
    save_image(images, output, nrow=args.steps, padding=2)
    print(f"wrote {args.rows} latent interpolation strips of {args.name} to {output}")
    return 0


def _strip(model: Any, args: argparse.Namespace, row: int, spherical: bool) -> Any:
    """Strip ``row``: from code 2r to code 2r + 1 of the seed, its class or cluster held along it."""
    from zoo.models.latent import latent_path

    ends = model.latent_codes(2 * (row + 1), seed=args.seed)[2 * row :]
    codes = latent_path(ends[0], ends[1], args.steps, spherical)
    return model.from_latent_codes(codes, **_held(model, row, args.steps, args.seed)).float().cpu()


def _held(model: Any, row: int, steps: int, seed: int) -> dict[str, Any]:
    """The conditioning kept along strip ``row``: class ``row`` (cycled) of a conditional model; else what
    ``sample`` draws beside the code of the strip's first image (a cluster, InfoGAN's codes)."""
    from zoo.models.base import ConditionalModel

    if isinstance(model, ConditionalModel):
        return {"labels": [row % model.num_classes] * steps}
    return _repeated(model.latent_conditioning(2 * row + 1, seed=seed), 2 * row, steps)


def _repeated(drawn: Any, index: int, steps: int) -> Any:
    """Entry ``index`` of every tensor in ``drawn`` (nested in dicts), repeated ``steps`` times."""
    if isinstance(drawn, dict):
        return {key: _repeated(value, index, steps) for key, value in drawn.items()}
    return drawn[index : index + 1].expand(steps, *drawn.shape[1:])
