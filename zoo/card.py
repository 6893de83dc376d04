"""Model cards: the README.md of a hub folder, with YAML metadata."""
from __future__ import annotations

import json
from typing import Any, Mapping

from .spec import ModelSpec

LICENCE_IDS = {"MIT": "mit", "Apache-2.0": "apache-2.0", "CC-BY-4.0": "cc-by-4.0"}


def _yaml_list(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def render_card(
    spec: ModelSpec,
    repo: str,
    metrics: Mapping[str, Any],
    training: Mapping[str, Any],
    has_samples: bool,
) -> str:
    """The model card text: metadata, how to use, how it was trained, what it scores."""
    tags = list(dict.fromkeys(["generative-zoo", spec.family, spec.plugin, spec.dataset]))
    metric_lines = "\n".join(f"  {key}: {json.dumps(value)}" for key, value in metrics.items())
    table = "\n".join(f"| {key} | {value} |" for key, value in metrics.items())
    training_rows = "\n".join(f"| {key} | `{json.dumps(value)}` |" for key, value in training.items())
    samples = "\n![64 samples, seed 0](samples.png)\n" if has_samples else ""
    usage = (
        f'model = zoo.load("{spec.name}")\nimages = model.sample(64, seed=0)  # (64, {", ".join(map(str, spec.image_shape))}) in [0, 1]'
        if spec.family != "classifier"
        else f'model = zoo.load("{spec.name}")\nlogits = model(images)  # images: (N, 1, 28, 28) in [0, 1]'
    )
    return f"""---
library_name: generative-zoo
license: {LICENCE_IDS.get(spec.licence, spec.licence.lower() or "other")}
tags:
{_yaml_list(tags)}
datasets:
- {spec.dataset}
zoo_model: {spec.name}
repo: {repo}
metrics:
{metric_lines}
---

# {spec.name}

{spec.summary}. Flavour `{spec.plugin}` of the generative zoo{f"; paper: {spec.paper}" if spec.paper else ""}.
{samples}
## Use

```python
import zoo
{usage}
```

or `zoo sample {spec.name} -n 64 --seed 0 -o samples.png`.

## Training

| what | value |
|---|---|
{training_rows}

## Metrics

Measured by `zoo export` with the zoo's own MNIST classifier (`mnist-classifier`):
class coverage and KL of the predicted-class histogram to uniform (mode collapse),
the fraction of samples classified with confidence above 0.9, and FID on the
classifier's 128-d features against the real test set (`fid_real_floor` is the
same FID for real test digits against real training digits).

| metric | value |
|---|---|
{table}
"""
