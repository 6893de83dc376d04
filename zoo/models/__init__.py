"""The model protocol, the family base classes and the layers several flavours share.

``from zoo.models import GenerativeModel, ConditionalModel`` keeps working as before.
"""
from zoo.models.base import (
    DEFAULT_BATCH_SIZE,
    ConditionalModel,
    GenerativeModel,
    check_count,
    check_device,
    check_images,
    check_indices,

)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ConditionalModel",
    "GenerativeModel",
    "check_count",
    "check_device",
    "check_images",
    "check_indices",
]
