"""Measuring models: sample quality, the real-data reference, the bench and its report."""
