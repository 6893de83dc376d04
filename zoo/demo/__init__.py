"""``zoo demo``: a local, offline web page to play with every installed model.

A standard-library HTTP server on 127.0.0.1 with a plain HTML page: a gallery
of every model with samples, latent interpolation, drawing pads for
translation models and autoencoders, and a "which one is real?" quiz.
Importing this package is cheap; the server and torch load when it runs.
"""
from zoo.demo.command import add_demo_command, main, run

__all__ = ["add_demo_command", "main", "run"]
