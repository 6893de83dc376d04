"""Diffusion and flow-matching generators on a time-conditioned network, and their samplers.

:class:`DenoisingDiffusion` (Ho et al. 2020) denoises
``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps`` over ``timesteps`` discrete
steps of a cosine (Nichol and Dhariwal 2021) or linear schedule. Its network
predicts ``v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0`` (Salimans and Ho 2022),
from which ``x_0`` and ``eps`` follow with coefficients at most 1: predicting
``eps`` instead would divide by ``sqrt(abar_t)``, near 0 at the noisiest step,
and magnify every rounding difference of the network (an image would then
depend on the batch it is drawn in). It samples with
DDIM (Song et al. 2021, deterministic given the starting noise) by default, or
with the ancestral sampler of the paper (``sampler="ancestral"``), both on
``steps`` evenly spaced timesteps (respaced as in Nichol and Dhariwal 2021
when fewer than ``timesteps``).

:class:`FlowMatching` (Lipman et al. 2023; Liu et al. 2023) regresses the
velocity ``x_1 - x_0`` of the straight path ``x_t = (1 - t) x_0 + t x_1`` from
noise ``x_0`` to data ``x_1`` and samples by integrating the ODE with Euler
or Heun steps (``solver=``).

Both draw every image's randomness, the starting noise and (ancestral) the
noise of each step, from that image's own generator. ``sample(n, seed=,
steps=)`` takes the number of network evaluations' steps as an argument.
"""
from __future__ import annotations

import math
import numbers
from typing import Any

import torch
import torch.nn.functional as F

from zoo.models.base import GenerativeModel
from zoo.models.capabilities import Capability
from zoo.models.noise import SampleNoise
from zoo.models.unet import UNet

SCHEDULES = ("cosine", "linear")
DIFFUSION_SAMPLERS = ("ddim", "ancestral")
SOLVERS = ("euler", "heun")


def check_steps(steps: Any, most: int | None = None) -> int:
    """``steps`` as an int in ``[1, most]``, else a ``TypeError``/``ValueError`` that says what is allowed."""
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be a positive int (the number of sampling steps), got {type(steps).__name__} {steps!r}")
    if steps < 1 or (most is not None and steps > most):
        limit = f" and at most {most} (the model's timesteps)" if most is not None else ""
        raise ValueError(f"steps must be at least 1{limit}, got {steps}")
    return int(steps)


def check_choice(value: Any, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}, got {value!r}")
    return value


def alpha_bars(timesteps: int, schedule: str) -> torch.Tensor:
    """``abar_t`` for ``t = 1 .. timesteps`` (float64): the share of signal variance left at step ``t``."""
    check_choice(schedule, SCHEDULES, "schedule")
    if schedule == "linear":
        betas = torch.linspace(1e-4 * 1000 / timesteps, 0.02 * 1000 / timesteps, timesteps, dtype=torch.float64)
        return torch.cumprod(1 - betas, 0)
    s = 0.008
    t = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    betas = (1 - f[1:] / f[:-1]).clamp(max=0.999)
    return torch.cumprod(1 - betas, 0)


class TimeConditioned(GenerativeModel):
    """A generator around a :class:`~zoo.models.unet.UNet` ``net(x, t)``; ``options`` are ``steps`` and more."""

    provides = (Capability.STEPS,)

    def __init__(self, widths: list[int], blocks: int, attention: bool, default_steps: int) -> None:
        super().__init__()
        self.net = UNet(self.image_shape[0], tuple(widths), blocks, attention)
        self.default_steps = check_steps(default_steps)

    def starting_noise(self, noise: SampleNoise) -> torch.Tensor:
        """Standard normal images ``(count, C, H, W)``, one from each image's generator."""
        return self.latent_noise(noise, math.prod(self.image_shape)).view(-1, *self.image_shape)

    @staticmethod
    def to_images(x: torch.Tensor) -> torch.Tensor:
        return ((x + 1) / 2).clamp(0, 1)


class DenoisingDiffusion(TimeConditioned):
    """DDPM: ``net(x_t, t / timesteps)`` predicts ``v``; ``sample(n, steps=, sampler=)``."""

    options = ("steps", "sampler")

    def __init__(
        self,
        widths: list[int] = (16, 32, 64),
        blocks: int = 1,
        attention: bool = False,
        timesteps: int = 1000,
        schedule: str = "cosine",
        default_steps: int = 25,
    ) -> None:
        super().__init__(widths, blocks, attention, default_steps)
        self.timesteps = check_steps(timesteps)
        self.default_steps = check_steps(default_steps, self.timesteps)
        self.register_buffer("alpha_bar", alpha_bars(timesteps, schedule).float(), persistent=False)

    def check_options(self, steps: Any = None, sampler: Any = "ddim") -> dict[str, Any]:
        steps = self.default_steps if steps is None else check_steps(steps, self.timesteps)
        return {"steps": steps, "sampler": check_choice(sampler, DIFFUSION_SAMPLERS, "sampler")}

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """The predicted ``v`` of ``x`` at integer steps ``t`` in ``[0, timesteps)``."""
        return self.net(x, (t.to(x.dtype) + 1) / self.timesteps)

    def diffuse(self, x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """``x_t`` of clean images ``x0`` in [-1, 1] at integer steps ``t`` with noise ``eps``."""
        abar = self.alpha_bar[t].view(-1, 1, 1, 1).to(x0.dtype)
        return abar.sqrt() * x0 + (1 - abar).sqrt() * eps

    def loss(self, x0: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """The simple loss of Ho et al. at a uniform step, on ``v``: mean squared error of the prediction."""
        t = torch.randint(0, self.timesteps, (len(x0),), generator=generator).to(x0.device)
        eps = torch.randn(x0.shape, generator=generator).to(x0)
        abar = self.alpha_bar[t].view(-1, 1, 1, 1).to(x0.dtype)
        return F.mse_loss(self(self.diffuse(x0, t, eps), t), abar.sqrt() * eps - (1 - abar).sqrt() * x0)

    def sampling_timesteps(self, steps: int) -> list[int]:
        """``steps`` integer steps from ``timesteps - 1`` down to 0, evenly spaced."""
        return torch.linspace(self.timesteps - 1, 0, steps).round().long().unique_consecutive().tolist()

    def generate(self, noise: SampleNoise, steps: int | None = None, sampler: str = "ddim") -> torch.Tensor:
        options = self.check_options(steps, sampler)
        x = self.starting_noise(noise)
        path = self.sampling_timesteps(options["steps"])
        for i, t in enumerate(path):
            abar = self.alpha_bar[t].to(x.dtype)
            abar_prev = self.alpha_bar[path[i + 1]].to(x.dtype) if i + 1 < len(path) else x.new_tensor(1.0)
            v = self(x, torch.full((len(x),), t, device=x.device))
            x0 = (abar.sqrt() * x - (1 - abar).sqrt() * v).clamp(-1, 1)
            if options["sampler"] == "ddim":
                eps = (1 - abar).sqrt() * x + abar.sqrt() * v
                x = abar_prev.sqrt() * x0 + (1 - abar_prev).sqrt() * eps
            else:
                x = self.ancestral_step(x, x0, abar, abar_prev, noise, last=i + 1 == len(path))
        return self.to_images(x)

    def ancestral_step(
        self, x: torch.Tensor, x0: torch.Tensor, abar: torch.Tensor, abar_prev: torch.Tensor, noise: SampleNoise, last: bool
    ) -> torch.Tensor:
        """One draw from the posterior ``q(x_prev | x_t, x0)`` of the (respaced) forward process."""
        beta = 1 - abar / abar_prev
        mean = (abar_prev.sqrt() * beta * x0 + (1 - beta).sqrt() * (1 - abar_prev) * x) / (1 - abar)
        if last:
            return mean
        variance = beta * (1 - abar_prev) / (1 - abar)
        return mean + variance.sqrt() * self.starting_noise(noise)


class FlowMatching(TimeConditioned):
    """Rectified flow: ``net(x_t, t)`` predicts the velocity ``x_1 - x_0``; ``sample(n, steps=, solver=)``."""

    options = ("steps", "solver")

    def __init__(
        self,
        widths: list[int] = (16, 32, 64),
        blocks: int = 1,
        attention: bool = False,
        default_steps: int = 10,
        default_solver: str = "heun",
    ) -> None:
        super().__init__(widths, blocks, attention, default_steps)
        self.default_solver = check_choice(default_solver, SOLVERS, "default_solver")

    def check_options(self, steps: Any = None, solver: Any = None) -> dict[str, Any]:
        steps = self.default_steps if steps is None else check_steps(steps)
        return {"steps": steps, "solver": check_choice(solver or self.default_solver, SOLVERS, "solver")}

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """The predicted velocity of ``x`` at times ``t`` in [0, 1] (0: noise, 1: data)."""
        return self.net(x, t)

    def loss(self, x1: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Conditional flow matching: mean squared error of the velocity on the straight path at a uniform time."""
        x0 = torch.randn(x1.shape, generator=generator).to(x1)
        t = torch.rand(len(x1), generator=generator).to(x1)
        xt = (1 - t.view(-1, 1, 1, 1)) * x0 + t.view(-1, 1, 1, 1) * x1
        return F.mse_loss(self(xt, t), x1 - x0)

    def generate(self, noise: SampleNoise, steps: int | None = None, solver: str | None = None) -> torch.Tensor:
        options = self.check_options(steps, solver)
        x = self.starting_noise(noise)
        times = torch.linspace(0, 1, options["steps"] + 1).tolist()
        for t, t_next in zip(times[:-1], times[1:]):
            dt = t_next - t
            velocity = self(x, x.new_full((len(x),), t))
            if options["solver"] == "euler":
                x = x + dt * velocity
            else:
                guess = x + dt * velocity
                x = x + dt / 2 * (velocity + self(guess, x.new_full((len(x),), t_next)))
        return self.to_images(x)
