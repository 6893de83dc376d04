"""The "which one is real?" quiz: real test images, rounds and each session's score, kept on the server."""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import torch

from zoo.data.datasets import load_dataset
from zoo.errors import ZooError

MAX_SESSIONS = 256  # the oldest session is forgotten beyond this
MAX_PENDING = 16  # unanswered rounds a session keeps
SIDES = ("left", "right")


class RealImages:
    """The test split of each dataset, read once from ``root`` (None: the zoo's data lookup), or why it could not be."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.loaded: dict[str, torch.Tensor | str] = {}
        self.lock = threading.Lock()

    def images(self, dataset: str) -> torch.Tensor | str:
        """The test images of ``dataset``, or a one-line message saying why there are none."""
        with self.lock:
            if dataset not in self.loaded:
                self.loaded[dataset] = self._read(dataset)
            return self.loaded[dataset]

    def _read(self, dataset: str) -> torch.Tensor | str:
        try:
            return load_dataset(dataset, self.root, train=False).images
        except (ZooError, OSError) as exc:
            return f"No real {dataset} images to play with: {str(exc).splitlines()[0]}"


@dataclass
class Session:
    """One player's score and the rounds shown to them that await an answer (round id -> real side)."""

    right: int = 0
    total: int = 0
    pending: OrderedDict[str, str] = field(default_factory=OrderedDict)

    def score(self) -> dict[str, int]:
        return {"right": self.right, "total": self.total}


class Scores:
    """Sessions by id, at most ``MAX_SESSIONS`` of them; safe to use from several threads."""

    def __init__(self) -> None:
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.lock = threading.Lock()

    def new_round(self, session_id: str | None, real_side: str) -> tuple[str, str, dict[str, int]]:
        """Record a round whose real image is on ``real_side``: ``(session id, round id, score)``."""
        with self.lock:
            if session_id not in self.sessions:
                session_id = secrets.token_urlsafe(16)
                self.sessions[session_id] = Session()
                while len(self.sessions) > MAX_SESSIONS:
                    self.sessions.popitem(last=False)
            session = self.sessions[session_id]
            round_id = secrets.token_urlsafe(12)
            session.pending[round_id] = real_side
            while len(session.pending) > MAX_PENDING:
                session.pending.popitem(last=False)
            return session_id, round_id, session.score()

    def answer(self, session_id: str, round_id: str, pick: str) -> tuple[bool, str, dict[str, int]]:
        """Score ``pick`` for a pending round: ``(correct, real side, score)``; a round is answered once."""
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None or round_id not in session.pending:
                raise KeyError("no such round: it was answered already, or the session has expired")
            real_side = session.pending.pop(round_id)
            session.total += 1
            session.right += pick == real_side
            return pick == real_side, real_side, session.score()


def random_seed() -> int:
    """A fresh seed for the sample of a round."""
    return secrets.randbelow(2**31)


def one_of(images: torch.Tensor) -> torch.Tensor:
    """One image of ``images`` ``(N, C, H, W)``, drawn at random, as a batch of one."""
    return images[secrets.randbelow(images.shape[0])].unsqueeze(0)


def deal(real: torch.Tensor, fake: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, str]:
    """The two images in a random order: ``(left, right, the side of the real one)``."""
    real_side = SIDES[secrets.randbelow(2)]
    return (real, fake, real_side) if real_side == "left" else (fake, real, real_side)
