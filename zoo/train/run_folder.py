"""Writing a model folder in Hugging Face repo layout (config.json, model.safetensors)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from torch import nn

from zoo.core.files import replace_atomically, write_bytes_atomically
from zoo.core.spec import ModelSpec


def write_model_folder(
    folder: Path,
    spec: ModelSpec,
    model_config: dict[str, Any],
    model: nn.Module,
    training: dict[str, Any] | None = None,
) -> None:
    """Write ``config.json`` and ``model.safetensors`` (sampling weights only), atomically."""
    from safetensors.torch import save

    folder.mkdir(parents=True, exist_ok=True)
    state = {key: value.detach().cpu().contiguous() for key, value in model.state_dict().items()}
    # serialized here and written by Python, so a full disk is an OSError that names the file
    write_bytes_atomically(folder / "model.safetensors", save(state, metadata={"format": "pt"}))
    config = {
        "zoo_model": spec.name,
        "plugin": spec.plugin,
        "family": spec.family,
        "config": model_config,
        "training": training or {},
    }
    replace_atomically(folder / "config.json", lambda tmp: tmp.write_text(json.dumps(config, indent=2) + "\n"))
