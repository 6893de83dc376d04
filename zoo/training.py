"""Old home of the recipe base class and the trainer: an alias kept for one release; import from zoo.train.trainer instead."""
import warnings

from zoo.train.trainer import *  # noqa: F401,F403

warnings.warn(
    "zoo.training moved to zoo.train.trainer; the alias goes in the next release",
    DeprecationWarning,
    stacklevel=2,
)
