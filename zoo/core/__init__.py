"""What models and datasets are and how they are found: specs, hooks, plugins, catalogs, the registry.

Imports nothing else of the zoo but ``zoo.errors``."""
