"""Training: recipes, the trainer, its checkpoints, logs, probe and plots."""
