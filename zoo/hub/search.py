"""``zoo search``: the zoo's models published on a hub, with the distribution each needs.

It asks the hub's model list (``HfApi.list_models``) for repos tagged with the
zoo's library tag, which every card ``zoo export`` writes carries, and reads
the model name and distribution from each card's metadata.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from zoo.core import entry_points
from zoo.hub.card import LIBRARY
from zoo.errors import HubError


@dataclass(frozen=True)
class Published:
    """One published repo: the model it holds, the distribution that provides it, and its installed version."""

    repo: str
    model: str
    distribution: str
    installed: str | None


def search(pattern: str | None = None, endpoint: str | None = None, limit: int = 1000) -> list[Published]:
    """The zoo's models on the hub (``HF_ENDPOINT`` unless ``endpoint``) whose repo id contains ``pattern``."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, HTTPError

    endpoint = endpoint or os.environ.get("HF_ENDPOINT", "").rstrip("/") or None
    where = endpoint or "the Hugging Face hub"
    try:
        models = list(HfApi(endpoint=endpoint).list_models(filter=LIBRARY, search=pattern or None, cardData=True,
                                                           limit=limit))
    except HfHubHTTPError as exc:
        raise HubError(f"{where} refused the model list: {exc}") from None
    except (HTTPError, OSError) as exc:  # no connection, offline mode
        raise HubError(f"cannot reach {where} to list models: {exc}") from None
    found = []
    for info in models:
        card = info.card_data.to_dict() if info.card_data is not None else {}
        distribution = str(card.get("zoo_distribution") or LIBRARY)
        model = str(card.get("zoo_model") or info.id.rpartition("/")[2])
        found.append(Published(info.id, model, distribution, entry_points.version(distribution)))
    return sorted(found, key=lambda item: item.repo)
