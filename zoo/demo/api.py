"""The demo's JSON API: one method per endpoint, each taking the request's JSON body."""
from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Mapping

from zoo.core.registry import get_dataset, get_spec, list_models
from zoo.core.spec import ModelSpec
from zoo.demo import adapter, params, quiz
from zoo.demo.adapter import Abilities
from zoo.demo.images import grid_url, pad_image
from zoo.demo.params import BadRequest
from zoo.errors import ZooError

Body = Mapping[str, Any]
GALLERY_SAMPLES = 16
HELD_NOTE = "Held along the walk: {held}, drawn beside seed A's code; only the code is walked."


class DemoAPI:
    """Every installed model, loaded on first use and kept; calls to one model run one at a time.

    ``data_root`` is where the quiz's real images are looked for (None: the zoo's data lookup).
    """

    def __init__(self, data_root: Path | None = None) -> None:
        self.specs: dict[str, ModelSpec] = {name: get_spec(name) for name in list_models()}
        self.models: dict[str, Any] = {}
        self.locks = {name: threading.Lock() for name in self.specs}
        self.real = quiz.RealImages(data_root)
        self.scores = quiz.Scores()

    @cached_property
    def abilities(self) -> dict[str, Abilities]:
        """What the demo does with each model, found on first use (it builds every architecture once)."""
        return {name: adapter.abilities(spec) for name, spec in self.specs.items()}

    def routes(self) -> dict[tuple[str, str], Callable[[Body], dict[str, Any]]]:
        """``(method, path)`` -> handler."""
        return {
            ("GET", "/api/models"): self.list_models,
            ("POST", "/api/sample"): self.sample,
            ("POST", "/api/interpolate"): self.interpolate,
            ("POST", "/api/translate"): self.translate,
            ("POST", "/api/example"): self.example,
            ("POST", "/api/reconstruct"): self.reconstruct,
            ("POST", "/api/quiz/round"): self.quiz_round,
            ("POST", "/api/quiz/answer"): self.quiz_answer,
        }

    def list_models(self, body: Body) -> dict[str, Any]:
        """The gallery: every installed model with what the demo can do with it."""
        return {"models": [self._describe(name) for name in self.specs]}

    def sample(self, body: Body) -> dict[str, Any]:
        name = self._model_name(body, "sample")
        n = params.integer(body, "n", 1, params.MAX_SAMPLES, default=GALLERY_SAMPLES)
        seed, label = params.seed(body), params.label(body, self.abilities[name].classes)
        images = self._run(name, lambda model: adapter.sample(model, n, seed, self.abilities[name].classes, label))
        return {"model": name, "n": n, "seed": seed, "label": label, "image": grid_url(images)}

    def interpolate(self, body: Body) -> dict[str, Any]:
        name = self._model_name(body, "interpolate")
        seeds = (params.seed(body, "seed_a"), params.seed(body, "seed_b"))
        steps = params.integer(body, "steps", 2, params.MAX_STEPS, default=8)
        classes = self.abilities[name].classes
        label = params.label(body, classes)
        images, held = self._run(name, lambda model: adapter.interpolate(model, seeds, steps, classes, label))
        note = HELD_NOTE.format(held=held) if held else ""
        return {"model": name, "seeds": list(seeds), "steps": steps, "label": label, "image": grid_url(images, steps), "note": note}

    def translate(self, body: Body) -> dict[str, Any]:
        name = self._model_name(body, "translate")
        image = pad_image(params.pixels(body), adapter.PAD_SHAPE)
        output = self._run(name, lambda model: adapter.translate(model, image))
        return {"model": name, "image": grid_url(output, 1)}

    def example(self, body: Body) -> dict[str, Any]:
        """One of the example inputs stored with a translation model, as pad pixels (row by row)."""
        name, seed = self._model_name(body, "translate"), params.seed(body)
        image = self._run(name, lambda model: adapter.example_input(model, seed))
        return {"model": name, "seed": seed, "pixels": [round(x, 4) for x in image.reshape(-1).tolist()]}

    def reconstruct(self, body: Body) -> dict[str, Any]:
        name = self._model_name(body, "reconstruct")
        classes = self.abilities[name].classes
        image, label = pad_image(params.pixels(body), adapter.PAD_SHAPE), params.label(body, classes)
        output = self._run(name, lambda model: adapter.reconstruct(model, image, classes, label))
        return {"model": name, "image": grid_url(output, 1)}

    def quiz_round(self, body: Body) -> dict[str, Any]:
        """A real test image and a sample side by side, or why there is no real image to show."""
        name = self._model_name(body, "quiz")
        session = params.token(body, "session")
        real = self.real.images(self.specs[name].dataset)
        if isinstance(real, str):
            return {"available": False, "message": real}
        classes = self.abilities[name].classes
        fake = self._run(name, lambda model: adapter.sample(model, 1, quiz.random_seed(), classes, None))
        left, right, real_side = quiz.deal(quiz.one_of(real), fake)
        session, round_id, score = self.scores.new_round(session, real_side)
        return {"available": True, "model": name, "dataset": self.specs[name].dataset, "session": session,
                "round": round_id, "score": score, "left": grid_url(left, 1), "right": grid_url(right, 1)}

    def quiz_answer(self, body: Body) -> dict[str, Any]:
        session, round_id = params.token(body, "session"), params.token(body, "round")
        pick = params.choice(body, "pick", quiz.SIDES)
        if session is None or round_id is None:
            raise BadRequest("session and round are required: the ids /api/quiz/round gave")
        try:
            correct, real_side, score = self.scores.answer(session, round_id, pick)
        except KeyError as exc:
            raise BadRequest(exc.args[0]) from None
        return {"correct": correct, "real": real_side, "score": score}

    def _model_name(self, body: Body, ability: str) -> str:
        name = params.name(body, self.specs)
        if not self._can(name, ability):
            raise BadRequest(f"{name} cannot {ability} in the demo (a {self.specs[name].family}"
                             f"{'' if self.specs[name].pins else ' without pretrained weights'})")
        return name

    def _can(self, name: str, ability: str) -> bool:
        if ability == "quiz":
            return self.abilities[name].sample and self._quiz_shape(self.specs[name])
        return getattr(self.abilities[name], ability)

    @staticmethod
    def _quiz_shape(spec: ModelSpec) -> bool:
        """A sample looks like the dataset's images (a recolouring model's would give itself away)."""
        try:
            from zoo.models.architecture import architecture

            return tuple(get_dataset(spec.dataset).image_shape) == architecture(spec).image_shape
        except ZooError:
            return False

    def _describe(self, name: str) -> dict[str, Any]:
        spec = self.specs[name]
        return {"name": name, "family": spec.family, "summary": spec.summary, "paper": spec.paper,
                "dataset": spec.dataset, "pretrained": spec.pins is not None,
                "can": {**self.abilities[name].as_json(), "quiz": self._can(name, "quiz")}}

    def _run(self, name: str, call: Callable[[Any], Any]) -> Any:
        """``call(model)`` with the model loaded once; model errors a user can fix become ``BadRequest``."""
        with self.locks[name]:
            try:
                if name not in self.models:
                    from zoo.hub.load import load

                    self.models[name] = load(name)
                return call(self.models[name])
            except (ZooError, ValueError, TypeError) as exc:
                raise BadRequest(f"{name}: {exc}") from None
