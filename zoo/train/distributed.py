"""Data-parallel training under ``torchrun``: process group, DDP wrapping, reductions.

``zoo train`` launched by ``torchrun --nproc_per_node N`` (one process per GPU,
or N CPU processes) finds ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` in its
environment, joins the process group (NCCL on CUDA, gloo on CPU) and trains
with :class:`~torch.nn.parallel.DistributedDataParallel`. The recipe's
``batch_size`` is the global batch: each process takes ``batch_size / N``
images of every batch, and DDP averages the gradients, so a step sees the same
images as one process with the whole batch. Only rank 0 writes files.
"""
from __future__ import annotations

import functools
import inspect
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from zoo.errors import ZooError


@dataclass(frozen=True)
class World:
    """This process's place among the training processes."""

    rank: int = 0
    local_rank: int = 0
    size: int = 1

    @property
    def main(self) -> bool:
        """Whether this process writes files and shows progress."""
        return self.rank == 0


def world_from_env() -> World:
    """The world ``torchrun`` describes in the environment; one process otherwise."""
    if "WORLD_SIZE" not in os.environ:
        return World()
    try:
        world = World(
            rank=int(os.environ.get("RANK", "0")),
            local_rank=int(os.environ.get("LOCAL_RANK", "0")),
            size=int(os.environ["WORLD_SIZE"]),
        )
    except ValueError:
        raise ZooError("RANK, LOCAL_RANK and WORLD_SIZE must be whole numbers (as torchrun sets them)") from None
    if world.size < 1 or not 0 <= world.rank < world.size:
        raise ZooError(f"RANK={world.rank} does not fit WORLD_SIZE={world.size}")
    return world


def device_for(requested: str | torch.device, world: World) -> torch.device:
    """``cuda`` means this process's GPU (``cuda:LOCAL_RANK``) when several processes train."""
    device = torch.device(requested)
    if device.type == "cuda" and device.index is None and world.size > 1:
        return torch.device("cuda", world.local_rank)
    return device


@contextmanager
def process_group(world: World, device: torch.device) -> Iterator[None]:
    """Join the training processes for the duration of the block (nothing for one process)."""
    if world.size == 1 or dist.is_initialized():
        yield
        return
    if device.type == "cuda":
        torch.cuda.set_device(device)
        dist.init_process_group("nccl", device_id=device)
    else:
        dist.init_process_group("gloo")
    try:
        yield
        dist.barrier()  # no process tears the group down while another still talks to it
    finally:
        dist.destroy_process_group()


class Replicated(DistributedDataParallel):
    """DDP that still answers the wrapped module's own attributes (``latent_dim``, ``sample``...).

    Only calling the module itself (its ``forward``) averages gradients over the
    processes; another method called with gradients on runs outside DDP, and the
    first such call of each method warns.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name == "module":
                raise
        value = getattr(self.module, name)
        if inspect.ismethod(value):
            return _outside_ddp(value, f"{type(self.module).__name__}.{name}")
        return value


_WARNED: set[str] = set()


def _outside_ddp(method: Any, label: str) -> Any:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        if torch.is_grad_enabled() and label not in _WARNED:
            _WARNED.add(label)
            warnings.warn(
                f"{label}() runs outside DistributedDataParallel, so gradients through it are not averaged "
                "over the processes; in train_step call the module itself (its forward)",
                stacklevel=2,
            )
        return method(*args, **kwargs)

    return call


def replicate(module: nn.Module, device: torch.device, find_unused_parameters: bool = False) -> Replicated:
    """Wrap a module for data-parallel training on ``device``."""
    return Replicated(
        module,
        device_ids=[device] if device.type == "cuda" else None,
        find_unused_parameters=find_unused_parameters,
    )


def unwrap(module: nn.Module) -> nn.Module:
    """The module itself, without a DDP wrapper."""
    return module.module if isinstance(module, DistributedDataParallel) else module


def shard(batch: torch.Tensor, world: World) -> torch.Tensor:
    """This rank's equal, contiguous share of a global batch."""
    per_rank = batch.shape[0] // world.size
    return batch[world.rank * per_rank : (world.rank + 1) * per_rank]


def mean_over_ranks(values: dict[str, float], world: World, device: torch.device) -> dict[str, float]:
    """Average per-rank numbers (losses) so that every rank sees the same values."""
    if world.size == 1:
        return values
    keys = sorted(values)
    tensor = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64, device=device)
    dist.all_reduce(tensor)
    return dict(zip(keys, (tensor / world.size).tolist()))


def any_rank(flag: bool, world: World, device: torch.device) -> bool:
    """Whether ``flag`` is set on at least one rank."""
    if world.size == 1:
        return flag
    tensor = torch.tensor([float(flag)], device=device)
    dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
    return bool(tensor.item())


def gather(obj: Any, world: World) -> list[Any]:
    """Every rank's ``obj``, in rank order, on every rank."""
    if world.size == 1:
        return [obj]
    out: list[Any] = [None] * world.size
    dist.all_gather_object(out, obj)
    return out
