"""The zoo's built-in model plugins, one folder per flavour.

They register through the same hooks as third-party plugins; this list is the
only place that names them.
"""

BUILTIN_PLUGINS = ["classifier", "dcgan"]
