"""``zoo demo``: a local, offline web page to play with every installed model.

A standard-library HTTP server on 127.0.0.1 with a plain HTML page: a gallery
of every model with samples, latent interpolation, drawing pads for
translation models and autoencoders, and a "which one is real?" quiz.
Importing this package is cheap; the server and torch load when it runs.
:mod:`zoo.demo.command` is shaped like a ``zoo.cli`` command module.
"""
from zoo.demo import command
from zoo.demo.command import main

__all__ = ["command", "main"]
