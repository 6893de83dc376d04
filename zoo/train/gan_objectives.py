"""GAN objectives as registered objects: adversarial losses and discriminator penalties.

A loss is a :class:`GANLoss`, a penalty a :class:`GANPenalty`; both are
modules, so state they keep in buffers (BEGAN's balance ``k``) is saved in the
recipe's checkpoint and restored exactly on resume. ``LOSSES`` and
``PENALTIES`` map names to classes; a plugin adds one with
``@LOSSES.register("name")`` in a module it imports, or names it by import
path (``--set loss=my_plugin.losses:MyLoss``). A recipe builds one from its
hyperparameters with ``LOSSES.build(hp["loss"], hp)``: the class's
``settings`` name the hyperparameters it reads (the rest keep its defaults).

Scores are raw discriminator outputs (logits for the probabilistic losses,
energies for the autoencoder critics); images are in ``[-1, 1]``.
"""
from __future__ import annotations

import importlib
import re
from typing import Any, Callable, ClassVar, Generic, Iterator, Mapping, TypeVar

import torch
import torch.nn.functional as F
from torch import nn

from zoo.train.settings import SettingError

Scores = torch.Tensor
Critic = Callable[[torch.Tensor], Scores]
IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
NONE = "none"


class GANLoss(nn.Module):
    """An adversarial objective: ``discriminator(real, fake)`` and ``generator(fake, real)``.

    ``generator_sees_real`` asks the recipe for the real images' scores in the
    generator step (relativistic and softmax losses); ``logs()`` gives values
    worth a line in the run log.
    """

    settings: ClassVar[tuple[str, ...]] = ()
    generator_sees_real: ClassVar[bool] = False

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        raise NotImplementedError

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        raise NotImplementedError

    def logs(self) -> dict[str, float]:
        return {}


class GANPenalty(nn.Module):
    """A term on the discriminator's gradients: ``penalty(critic, real, fake)`` (unweighted)."""

    settings: ClassVar[tuple[str, ...]] = ()

    def forward(self, critic: Critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


T = TypeVar("T", bound=nn.Module)


class Objectives(Generic[T]):
    """Objective classes by name; a name may also be a ``module:Class`` import path.
    With ``optional``, the name ``none`` builds nothing."""

    def __init__(self, kind: str, base: type[T], optional: bool = False) -> None:
        self.kind, self.base, self.optional = kind, base, optional
        self.classes: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        """Class decorator: make ``name`` build this class; a taken name is an error naming both."""

        def add(cls: type[T]) -> type[T]:
            if not (isinstance(cls, type) and issubclass(cls, self.base)):
                raise TypeError(f"a GAN {self.kind} must subclass {self.base.__name__}, got {cls!r}")
            taken = self.classes.get(name)
            if taken is not None and _where(taken) != _where(cls):  # a module imported again is no clash
                raise ValueError(
                    f"GAN {self.kind} {name!r} is registered twice: by {_where(taken)} and by {_where(cls)}"
                )
            self.classes[name] = cls
            return cls

        return add

    def __contains__(self, name: object) -> bool:
        if self.optional and name == NONE:
            return True
        return isinstance(name, str) and (name in self.classes or bool(IMPORT_PATH.match(name)))

    def __iter__(self) -> Iterator[str]:
        return iter([*([NONE] if self.optional else []), *self.classes, "module:Class"])

    def resolve(self, name: str) -> type[T]:
        """The class called ``name``, importing ``module:Class`` paths."""
        if name in self.classes:
            return self.classes[name]
        if not IMPORT_PATH.match(name):
            raise SettingError(f"unknown GAN {self.kind} {name!r}; known: {', '.join(self.classes)} (or module:Class)")
        module, _, attr = name.partition(":")
        try:
            cls = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise SettingError(f"GAN {self.kind} {name!r} cannot be imported: {exc}") from None
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise SettingError(f"GAN {self.kind} {name!r} is not a {self.base.__name__} subclass")
        return cls

    def build(self, name: str, hparams: Mapping[str, Any], device: torch.device | None = None) -> T | None:
        """An instance of ``name`` (on ``device``) with the hyperparameters its ``settings`` name;
        None for ``none`` where that is allowed."""
        if self.optional and name == NONE:
            return None
        cls = self.resolve(name)
        return cls(**{key: hparams[key] for key in cls.settings if key in hparams}).to(device)


def _where(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


LOSSES: Objectives[GANLoss] = Objectives("loss", GANLoss)
PENALTIES: Objectives[GANPenalty] = Objectives("penalty", GANPenalty, optional=True)


# --- the losses ---------------------------------------------------------------------


def bce_discriminator_loss(real: Scores, fake: Scores, real_label: float = 1.0) -> torch.Tensor:
    """-log D(x) - log(1 - D(G(z))); ``real_label`` < 1 is one-sided label smoothing."""
    return F.binary_cross_entropy_with_logits(real, torch.full_like(real, real_label)) + F.softplus(fake).mean()


@LOSSES.register("non-saturating")
class NonSaturatingLoss(GANLoss):
    """Goodfellow et al. 2014 with the generator's -log D(G(z)): strong gradients while D wins.
    ``real_label`` < 1 is one-sided label smoothing (Salimans et al. 2016)."""

    settings = ("real_label",)

    def __init__(self, real_label: float = 1.0) -> None:
        super().__init__()
        self.real_label = real_label

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return bce_discriminator_loss(real, fake, self.real_label)

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return F.softplus(-fake).mean()


@LOSSES.register("min-max")
class MinMaxLoss(NonSaturatingLoss):
    """The original game: the generator minimises log(1 - D(G(z)))."""

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return -F.softplus(fake).mean()


@LOSSES.register("boundary-seeking")
class BoundarySeekingLoss(NonSaturatingLoss):
    """BGAN (Hjelm et al. 2018): the generator aims at D's decision boundary,
    0.5 (log D(G(z)) - log(1 - D(G(z))))^2, which is half the squared logit."""

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return 0.5 * fake.square().mean()


@LOSSES.register("least-squares")
class LeastSquaresLoss(NonSaturatingLoss):
    """LSGAN (Mao et al. 2017) with targets a=0 (fake), b=``real_label`` (real), c=1 (generator)."""

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return 0.5 * ((real - self.real_label).square().mean() + fake.square().mean())

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return 0.5 * (fake - 1).square().mean()


@LOSSES.register("wasserstein")
class WassersteinLoss(GANLoss):
    """WGAN (Arjovsky et al. 2017): the critic maximises E[f(x)] - E[f(G(z))]."""

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return fake.mean() - real.mean()

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        return -fake.mean()


@LOSSES.register("hinge")
class HingeLoss(WassersteinLoss):
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] (Lim and Ye 2017; Miyato et al. 2018)."""

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()


@LOSSES.register("relativistic-average")
class RelativisticAverageLoss(GANLoss):
    """RaGAN (Jolicoeur-Martineau 2018): each side asks how much more real a real image looks
    than the average fake, and the reverse; the generator plays the mirrored game."""

    generator_sees_real = True

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return self._game(real, fake)

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        if real is None:
            raise ValueError("the relativistic-average loss needs the real images' scores in the generator step")
        return self._game(fake, real)

    @staticmethod
    def _game(winner: Scores, loser: Scores) -> torch.Tensor:
        up = winner - loser.mean()
        down = loser - winner.mean()
        return 0.5 * (F.binary_cross_entropy_with_logits(up, torch.ones_like(up))
                      + F.binary_cross_entropy_with_logits(down, torch.zeros_like(down)))


@LOSSES.register("softmax")
class SoftmaxLoss(GANLoss):
    """Softmax GAN (Lin 2017): a softmax over the whole batch of real and fake images with
    energies -D; the discriminator's target puts all mass on the real images, the
    generator's spreads it evenly over real and fake."""

    generator_sees_real = True

    def discriminator(self, real: Scores, fake: Scores) -> torch.Tensor:
        return -real.mean() + self._log_partition(real, fake)

    def generator(self, fake: Scores, real: Scores | None = None) -> torch.Tensor:
        if real is None:
            raise ValueError("the softmax loss needs the real images' scores in the generator step")
        return -torch.cat([real, fake]).mean() + self._log_partition(real, fake)

    @staticmethod
    def _log_partition(real: Scores, fake: Scores) -> torch.Tensor:
        return torch.cat([real, fake]).logsumexp(0)


# --- the penalties ------------------------------------------------------------------


def _input_gradients(critic: Critic, points: torch.Tensor) -> torch.Tensor:
    points = points.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(points).sum(), points, create_graph=True)
    return grad.flatten(1)


def _uniform_per_image(like: torch.Tensor) -> torch.Tensor:
    return torch.rand((like.shape[0],) + (1,) * (like.dim() - 1), device=like.device, dtype=like.dtype)


def gradient_penalty(critic: Critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """WGAN-GP: E[(||grad f(x_hat)|| - 1)^2] at random points x_hat between real and fake images."""
    alpha = _uniform_per_image(real)
    mixed = alpha * real.detach() + (1 - alpha) * fake.detach()
    return (_input_gradients(critic, mixed).norm(dim=1) - 1).square().mean()


@PENALTIES.register("gradient")
class GradientPenalty(GANPenalty):
    """WGAN-GP (Gulrajani et al. 2017): unit gradient norm between real and fake images."""

    def forward(self, critic: Critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return gradient_penalty(critic, real, fake)


@PENALTIES.register("dragan")
class DRAGANPenalty(GANPenalty):
    """DRAGAN (Kodali et al. 2017): unit gradient norm in a noisy neighbourhood of the real
    images, x + ``perturbation`` * std(x) * U[0, 1), mixed with x at a random point."""

    settings = ("perturbation",)

    def __init__(self, perturbation: float = 0.5) -> None:
        super().__init__()
        self.perturbation = perturbation

    def forward(self, critic: Critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        real = real.detach()
        noisy = real + self.perturbation * real.std() * torch.rand_like(real)
        alpha = _uniform_per_image(real)
        return (_input_gradients(critic, alpha * real + (1 - alpha) * noisy).norm(dim=1) - 1).square().mean()


@PENALTIES.register("wgan-div")
class WGANDivPenalty(GANPenalty):
    """WGAN-div (Wu et al. 2018): E[||grad f||^p] at the real and at the fake images, halved;
    with weight k the critic's objective is the Wasserstein divergence W_{k,p}."""

    settings = ("div_power",)

    def __init__(self, div_power: float = 6.0) -> None:
        super().__init__()
        self.div_power = div_power

    def forward(self, critic: Critic, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        norms = [_input_gradients(critic, x).square().sum(1).pow(self.div_power / 2) for x in (real, fake)]
        return 0.5 * (norms[0].mean() + norms[1].mean())
