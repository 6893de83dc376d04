"""What leaves the machine: exporting runs, recording benches, pushing, scaffolding plugins."""
