"""Old home of the autoencoder base classes: an alias kept for one release; import from zoo.models.autoencoder instead."""
import warnings

from zoo.models.autoencoder import *  # noqa: F401,F403

warnings.warn(
    "zoo.autoencoders moved to zoo.models.autoencoder; the alias goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)
