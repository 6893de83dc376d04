"""The ``zoo`` command line."""
from zoo.cli.commands import main

__all__ = ["main"]
