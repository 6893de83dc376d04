"""``python -m zoo.demo``: the same as ``zoo demo``."""
import sys

from zoo.demo.command import main

sys.exit(main())
