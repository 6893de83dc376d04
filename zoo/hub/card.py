"""Model cards: the README.md of a hub folder, with the hub's YAML metadata.

The metadata (library, licence, tags, datasets, metrics, and the measured
values as a ``model-index``) is written by huggingface_hub's ``ModelCardData``
so that the hub reads it as it reads any model card.
"""
from __future__ import annotations

import json
from typing import Any, Mapping

from zoo.core.registry import evaluator_for
from zoo.core.spec import ModelSpec

LIBRARY = "generative-zoo"
LICENCE_IDS = {"MIT": "mit", "Apache-2.0": "apache-2.0", "CC-BY-4.0": "cc-by-4.0"}
TASKS = {"classifier": "image-classification", "translation": "image-to-image"}
SETTINGS = ("samples", "seed")  # how metrics were measured, not metrics


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def card_metadata(spec: ModelSpec, repo: str, metrics: Mapping[str, Any], distribution: str = LIBRARY) -> str:
    """The YAML block (without the ``---`` fences) of a model card."""
    from huggingface_hub import EvalResult, ModelCardData

    task = TASKS.get(spec.family, "unconditional-image-generation")
    settings = {key: metrics[key] for key in SETTINGS if key in metrics}
    measured = {key: value for key, value in metrics.items() if key not in SETTINGS and _number(value)}
    data = ModelCardData(
        library_name=LIBRARY,
        license=LICENCE_IDS.get(spec.licence, spec.licence.lower() or "other"),
        tags=list(dict.fromkeys([LIBRARY, spec.family, spec.plugin, spec.dataset])),
        datasets=[spec.dataset],
        metrics=list(measured) or None,
        pipeline_tag=task,
        model_name=spec.name,
        eval_results=[
            EvalResult(
                task_type=task,
                dataset_type=spec.dataset,
                dataset_name=spec.dataset,
                dataset_split="test",
                metric_type=key,
                metric_value=value,
                metric_args=settings or None,
            )
            for key, value in measured.items()
        ]
        or None,
        zoo_model=spec.name,
        zoo_distribution=distribution,
        repo=repo,
    )
    return data.to_yaml()


def render_card(
    spec: ModelSpec,
    repo: str,
    metrics: Mapping[str, Any],
    training: Mapping[str, Any],
    has_samples: bool,
    image_shape: tuple[int, int, int],
    has_loss_plot: bool = False,
    has_progress_plot: bool = False,
    notes: Mapping[str, str] | None = None,
    distribution: str = LIBRARY,
) -> str:
    """The model card text: metadata, how to use, how it was trained, what it scores.

    ``image_shape`` is the ``(C, H, W)`` of the exported model's images;
    ``has_loss_plot`` and ``has_progress_plot`` show ``losses.png`` and ``progress.png``
    (coverage, KL and confident fraction per epoch) side by side under Training;
    ``notes`` explains a model's own metrics (metric name -> meaning);
    ``distribution`` is what a user installs to get the model's plugin.
    """
    table = "\n".join(f"| {key} | {value} |" for key, value in metrics.items()) or "| (not measured) | |"
    explained = "".join(f"\n- `{key}`: {text}" for key, text in (notes or {}).items() if key in metrics)
    training_rows = "\n".join(f"| {key} | `{json.dumps(value)}` |" for key, value in training.items())
    samples = "\n![64 samples, seed 0](samples.png)\n" if has_samples else ""
    plots = [picture for shown, picture in (
        (has_loss_plot, "![training losses](losses.png)"),
        (has_progress_plot, "![classes covered, KL to uniform and confident fraction per epoch](progress.png)"),
    ) if shown]
    losses = f"\n{' '.join(plots)}\n" if plots else ""
    shape = ", ".join(map(str, image_shape))
    usage = (
        f'model = zoo.load("{spec.name}")\nimages = model.sample(64, seed=0)  # (64, {shape}) in [0, 1]'
        if spec.family != "classifier"
        else f'model = zoo.load("{spec.name}")\nlogits = model(images)  # images: (N, {shape}) in [0, 1]'
    )
    judge = evaluator_for(spec.dataset)
    judged_by = f"`{judge}`, the classifier that judges {spec.dataset}" if judge else "the classifier of its dataset"
    return f"""---
{card_metadata(spec, repo, metrics, distribution)}
---

# {spec.name}

{spec.summary}. Flavour `{spec.plugin}` of the generative zoo{f"; paper: {spec.paper}" if spec.paper else ""}.
{samples}
## Use

```bash
pip install {distribution}
```

```python
import zoo
{usage}
```

or `zoo sample {spec.name} -n 64 --seed 0 -o samples.png`.

## Training

| what | value |
|---|---|
{training_rows}
{losses}
## Metrics

Measured by `zoo export` with {judged_by}:
class coverage and KL of the predicted-class histogram to uniform (mode collapse),
the fraction of samples classified with confidence above 0.9, and FID on the
classifier's features against the real test set (`fid_real_floor` is the
same FID for as many random real training images, measured as samples are).

| metric | value |
|---|---|
{table}
{explained}
"""


def replace_section(card: str, title: str, body: str) -> str:
    """The card with its ``## title`` section (up to the next ``## `` heading) set to ``body``, or added at the end."""
    heading = f"## {title}\n"
    section = f"{heading}\n{body.strip()}\n"
    start = card.find("\n" + heading)
    if start < 0:
        return card.rstrip("\n") + "\n\n" + section
    end = card.find("\n## ", start + 1)
    return card[: start + 1] + section + (card[end:] if end >= 0 else "")
