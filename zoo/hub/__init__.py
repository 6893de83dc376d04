"""From a pinned name to a built model: resolve and verify files, load folders, read cards."""
