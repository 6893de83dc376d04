"""The zoo's built-in model plugins, one sub-package per flavour.

They register through the same hooks as third-party plugins; every
sub-package of this folder is a built-in plugin named after its folder.
"""
import pkgutil

BUILTIN_PLUGINS = sorted(module.name for module in pkgutil.iter_modules(__path__) if module.ispkg)
