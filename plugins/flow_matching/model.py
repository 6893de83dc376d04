"""The flow-matching flavour's generator: the core rectified flow on 28x28 grey images."""
from __future__ import annotations

from zoo.models.diffusion import FlowMatching


class RectifiedFlow(FlowMatching):
    """A U-Net velocity field on ``(1, 28, 28)`` images; see :class:`zoo.models.diffusion.FlowMatching`."""

    image_shape = (1, 28, 28)
