"""``zoo search``: the zoo's models published on a hub, with the distribution each needs.

It asks the hub's model list (``HfApi.list_models``) for repos tagged with the
zoo's library tag, which every card ``zoo export`` writes carries, and reads
the model name and distribution from each card's metadata.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from typing import Any

from zoo.core import entry_points
from zoo.core.naming import distribution_name_problem, model_name_problem, repo_id_problem, shown
from zoo.core.plugins import PluginWarning
from zoo.hub import guard
from zoo.hub.card import LIBRARY
from zoo.errors import HubError


class CardWarning(PluginWarning):
    """A published repo's card holds text the zoo does not show; the repo is left out."""


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
        with guard.guarded(guard.bounds(f"the model list of {where}")):
            models = list(HfApi(endpoint=endpoint).list_models(filter=LIBRARY, search=pattern or None,
                                                               cardData=True, limit=limit))
    except HfHubHTTPError as exc:
        raise HubError(f"{where} refused the model list: {exc}") from None
    except (HTTPError, OSError) as exc:  # no connection, offline mode
        raise HubError(f"cannot reach {where} to list models: {exc}") from None
    found = [published for published in map(_published, models) if published is not None]
    return sorted(found, key=lambda item: item.repo)


def _published(info: Any) -> Published | None:
    """One listed repo, or None (with a warning) when its id or card holds what is not a plain name."""
    repo = info.id
    if repo_id_problem(repo):
        warnings.warn(f"left out a hub repo whose id is not 'owner/name': {shown(repo)}", CardWarning, stacklevel=3)
        return None
    card = info.card_data.to_dict() if info.card_data is not None else {}
    distribution = card.get("zoo_distribution") or LIBRARY
    model = card.get("zoo_model") or repo.rpartition("/")[2]
    for field, problem in (("zoo_model", model_name_problem(model)),
                           ("zoo_distribution", distribution_name_problem(distribution))):
        if problem:
            warnings.warn(f"left out {repo}: its card's {field} {problem}", CardWarning, stacklevel=3)
            return None
    return Published(repo, model, distribution, entry_points.version(distribution))
