"""Old home of the GAN recipe and losses: an alias kept for one release; import from zoo.train.gan instead."""
import warnings

from zoo.train.gan import *  # noqa: F401,F403
from zoo.models.layers import leaky_mlp, one_hot, spectrally_normalised, without_batch_norm  # noqa: F401

warnings.warn(
    "zoo.gan moved to zoo.train.gan; the alias goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)
