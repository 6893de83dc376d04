"""``zoo reconstruct``: rows of test images, each above a row of an autoencoder's reconstructions."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zoo.cli.arguments import add_data, add_device, add_model, add_output, positive_int
from zoo.errors import ZooError

NAME = "reconstruct"
HELP = "test images (of the model's dataset, or a folder of images) and an autoencoder's reconstructions to a PNG"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_model(parser)
    add_data(parser)
    parser.add_argument("--images", type=Path, default=None, metavar="DIR",
                        help="reconstruct images from this folder (one subfolder per class, or none) instead")
    parser.add_argument("--seed", type=int, default=0, help="which images")
    parser.add_argument("--rows", type=positive_int, default=4, help="rows of images (default 4)")
    parser.add_argument("--cols", type=positive_int, default=8, help="images per row (default 8)")
    add_device(parser)
    add_output(parser, "reconstructions.png")


def run(args: argparse.Namespace) -> int:
    import torch

    from zoo.cli.outputs import writable_output
    from zoo.cli.progress import counted
    from zoo.core.grid import save_image
    from zoo.hub.load import load
    from zoo.models.autoencoder import Autoencoder, reconstruction_rows

    if args.images is not None and args.data is not None:
        raise ZooError("give --images DIR or --data DIR, not both")
    output = writable_output(args.output)
    model = load(args.name, device=args.device)
    if not isinstance(model, Autoencoder):
        raise ZooError(f"{args.name!r} is a {model.spec.family}, not an autoencoder: it has no codes to reconstruct")
    test = _images(model, args)
    pick = torch.randperm(len(test), generator=torch.Generator().manual_seed(args.seed))[: args.rows * args.cols]
    images, labels = test.images[pick], test.labels[pick]
    starts = range(0, len(pick), args.cols)
    rows = (reconstruction_rows(model, images[s : s + args.cols], labels[s : s + args.cols], args.cols) for s in starts)
    grid = torch.cat(list(counted(rows, len(starts), f"reconstructing with {args.name}", unit="row")))
    save_image(grid, output, nrow=args.cols, padding=2)
    print(f"wrote {len(pick)} images (odd rows) and their reconstructions by {args.name} (even rows) to {output}")
    return 0


def _images(model: Any, args: argparse.Namespace) -> Any:
    """The images to reconstruct: a folder's, or the test split of the model's dataset."""
    from zoo.data.datasets import load_dataset
    from zoo.data.folders import is_folder_dataset, read_image_folder

    from zoo.models.base import ConditionalModel

    if args.images is not None:
        channels, size, _ = model.image_shape
        folder = read_image_folder(args.images, size, channels).data
        classes = model.num_classes if isinstance(model, ConditionalModel) else 0
        if classes and not bool(((folder.labels >= 0) & (folder.labels < classes)).all()):
            raise ZooError(f"{args.name} is conditional on {classes} classes: put the images in "
                           f"{args.images} in at most {classes} subfolders, one per class")
        return folder
    if is_folder_dataset(model.spec.dataset):
        raise ZooError(f"{args.name} was trained on a folder of images ({model.spec.dataset}); "
                       f"pass --images DIR with the images to reconstruct")
    return load_dataset(model.spec.dataset, args.data, train=False)
