"""Datasets as in-memory tensors and folders of images."""
