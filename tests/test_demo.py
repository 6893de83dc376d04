"""`zoo demo`: the JSON API on a loopback port, and the page driven in headless Chromium over the DevTools protocol."""
from __future__ import annotations

import argparse
import base64
import io
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import numpy
import pytest
import torch
from PIL import Image

import zoo
from zoo.core.registry import list_models
from zoo.demo import command, main, quiz
from zoo.demo.server import DemoServer, serve
from zoo.errors import ZooError

from conftest import MNIST_ROOT, needs_mnist

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (apt-get install -y chromium)")
BLANK = [0.0] * 784


def running(server: DemoServer):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture(scope="module")
def demo():
    """The demo on a free loopback port, with the real MNIST test images when they are here."""
    server = serve(MNIST_ROOT if (MNIST_ROOT / "MNIST" / "raw").is_dir() else None, 0)
    running(server)
    yield server
    server.shutdown()
    server.close()


def call(server: DemoServer, path: str, body: Any = None, *, raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """``(status, JSON answer)`` of a GET (no body) or a JSON POST."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(server.url.rstrip("/") + path, data=data,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def picture(data_url: str) -> torch.Tensor:
    """A PNG data URL as a ``(H, W, C)`` uint8 tensor."""
    assert data_url.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))) as image:
        return torch.from_numpy(numpy.array(image.convert("RGB")))


def stroke_pixels() -> list[float]:
    """A pad image: one vertical stroke, like the edge of a 1."""
    image = torch.zeros(28, 28)
    image[5:23, 13:15] = 1.0
    return image.reshape(-1).tolist()


# --- the JSON API -----------------------------------------------------------------------------------------------


def test_models_lists_every_installed_model_with_what_the_demo_does_with_it(demo):
    status, answer = call(demo, "/api/models")
    assert status == 200
    models = {model["name"]: model for model in answer["models"]}
    assert sorted(models) == sorted(list_models())
    assert models["pix2pix-mnist"]["can"]["translate"] and not models["pix2pix-mnist"]["can"]["interpolate"]
    assert models["vae-mnist"]["can"]["reconstruct"] and models["vae-mnist"]["can"]["interpolate"]
    assert models["dcgan-mnist"]["can"]["interpolate"] and models["dcgan-mnist"]["can"]["quiz"]
    assert models["cdcgan-mnist"]["can"]["classes"] == 10 and models["dcgan-mnist"]["can"]["classes"] == 0
    assert not models["mnist-classifier"]["can"]["sample"]
    assert models["dcgan-mnist"]["paper"].startswith("https://") and models["dcgan-mnist"]["family"] == "gan"


def test_sample_is_a_grid_of_the_seeded_samples(demo):
    status, answer = call(demo, "/api/sample", {"model": "dcgan-mnist", "n": 4, "seed": 3})
    assert status == 200 and answer["n"] == 4 and answer["seed"] == 3
    assert picture(answer["image"]).shape == (2 + 2 * 30, 2 + 2 * 30, 3)  # 2x2 tiles of 28 with 2-pixel gaps
    assert call(demo, "/api/sample", {"model": "dcgan-mnist", "n": 4, "seed": 3})[1]["image"] == answer["image"]
    assert call(demo, "/api/sample", {"model": "dcgan-mnist", "n": 4, "seed": 4})[1]["image"] != answer["image"]


def test_a_conditional_model_draws_the_label_asked_for(demo):
    threes = call(demo, "/api/sample", {"model": "cdcgan-mnist", "n": 4, "seed": 0, "label": 3})[1]["image"]
    sevens = call(demo, "/api/sample", {"model": "cdcgan-mnist", "n": 4, "seed": 0, "label": 7})[1]["image"]
    expected = zoo.load("cdcgan-mnist").sample(4, seed=0, labels=[3] * 4)
    tile = picture(threes)[2:30, 2:30, 0].float() / 255
    assert (tile - expected[0, 0]).abs().max() <= 1 / 255 + 1e-6
    assert threes != sevens


@pytest.mark.parametrize("name, label", [("cdcgan-mnist", 5), ("vae-mnist", None), ("cvae-mnist", 2), ("dcgan-mnist", None)])
def test_an_interpolation_runs_from_the_sample_of_seed_a_to_that_of_seed_b(demo, name, label):
    body = {"model": name, "seed_a": 11, "seed_b": 12, "steps": 5, **({"label": label} if label is not None else {})}
    status, answer = call(demo, "/api/interpolate", body)
    assert status == 200, answer
    strip = picture(answer["image"])[:, :, 0].float() / 255
    assert strip.shape == (32, 2 + 5 * 30)
    ends = [call(demo, "/api/sample", {"model": name, "n": 1, "seed": seed, "label": label})[1]["image"] for seed in (11, 12)]
    first, last = (picture(end)[:, :, 0].float() / 255 for end in ends)  # one image: no frame
    assert (strip[2:30, 2:30] - first).abs().max() <= 1 / 255 + 1e-6
    assert (strip[2:30, 2 + 2 * 30 : 30 + 2 * 30] - first).abs().max() > 0.1  # the middle is not the start
    if name == "dcgan-mnist":  # self-conditioned: seed A's cluster is held, so the end is seed B's noise in it
        cluster = int(zoo.load(name).latent_conditioning(1, seed=11)["labels"][0])
        assert answer["note"] == f"Held along the walk: cluster {cluster}, drawn beside seed A's code; only the code is walked."
    else:
        assert (strip[2:30, 2 + 4 * 30 : 30 + 4 * 30] - last).abs().max() <= 1 / 255 + 1e-6
        assert answer["note"] == ""


def test_only_models_with_a_latent_space_walk(demo):
    models = {model["name"]: model["can"] for model in call(demo, "/api/models")[1]["models"]}
    assert models["dcgan-mnist"]["interpolate"] and models["vae-mnist"]["interpolate"]
    assert not models["pixelcnn-mnist"]["interpolate"] and not models["pix2pix-mnist"]["interpolate"]
    status, answer = call(demo, "/api/interpolate", {"model": "pixelcnn-mnist"})
    assert status == 400 and "pixelcnn-mnist cannot interpolate" in answer["error"]


def test_pix2pix_translates_what_is_drawn(demo):
    blank = call(demo, "/api/translate", {"model": "pix2pix-mnist", "pixels": BLANK})
    stroke = call(demo, "/api/translate", {"model": "pix2pix-mnist", "pixels": stroke_pixels()})
    assert blank[0] == stroke[0] == 200
    assert picture(stroke[1]["image"]).shape == (28, 28, 3)
    assert blank[1]["image"] != stroke[1]["image"]
    edges = torch.tensor(stroke_pixels()).reshape(1, 1, 28, 28)
    expected = zoo.load("pix2pix-mnist").translate(edges)[0, 0]
    assert (picture(stroke[1]["image"])[:, :, 0].float() / 255 - expected).abs().max() <= 1 / 255 + 1e-6


def test_an_example_input_is_one_stored_with_the_weights(demo):
    status, answer = call(demo, "/api/example", {"model": "pix2pix-mnist", "seed": 4})
    assert status == 200 and len(answer["pixels"]) == 784
    stored = zoo.load("pix2pix-mnist").sample_inputs(1, seed=4)[0].reshape(-1)
    assert (torch.tensor(answer["pixels"]) - stored).abs().max() < 1e-3
    assert call(demo, "/api/example", {"model": "pix2pix-mnist", "seed": 5})[1]["pixels"] != answer["pixels"]
    assert call(demo, "/api/example", {"model": "vae-mnist"})[0] == 400


@pytest.mark.parametrize("name, label", [("vae-mnist", None), ("ae-mnist", None), ("cvae-mnist", 1)])
def test_an_autoencoder_reconstructs_a_drawn_digit(demo, name, label):
    status, answer = call(demo, "/api/reconstruct", {"model": name, "pixels": stroke_pixels(), "label": label})
    assert status == 200, answer
    image = picture(answer["image"])[:, :, 0].float() / 255
    drawn = torch.tensor(stroke_pixels()).reshape(28, 28)
    assert (image - drawn).abs().mean() < 0.2  # a reconstruction looks like what was drawn


@pytest.mark.parametrize("path, body, problem", [
    ("/api/sample", {"model": "dcgan-mnist", "n": 0}, "n must be from 1 to 64"),
    ("/api/sample", {"model": "dcgan-mnist", "n": 65}, "n must be from 1 to 64"),
    ("/api/sample", {"model": "dcgan-mnist", "n": 2.5}, "n must be a whole number"),
    ("/api/sample", {"model": "dcgan-mnist", "seed": "1"}, "seed must be a whole number"),
    ("/api/sample", {"model": "dcgan-mnist", "seed": True}, "seed must be a whole number"),
    ("/api/sample", {"model": "dcgan-mnist", "seed": -1}, "seed must be from 0"),
    ("/api/sample", {"model": "dcgan-mnist", "seed": 10**100}, "seed must be from 0 to 2147483647, got 1000000"),
    ("/api/sample", {"model": "no-such-model"}, "model must be the name of one of the demo's models"),
    ("/api/sample", {"model": "../../registry.toml"}, "model must be the name"),
    ("/api/sample", {"model": str(Path(zoo.__file__).parent)}, "model must be the name"),
    ("/api/sample", {"model": ["dcgan-mnist"]}, "model must be the name"),
    ("/api/sample", {"model": "mnist-classifier"}, "mnist-classifier cannot sample"),
    ("/api/sample", {"model": "dcgan-mnist", "label": 3}, "label is only for conditional models"),
    ("/api/sample", {"model": "cdcgan-mnist", "label": 10}, "label must be from 0 to 9"),
    ("/api/interpolate", {"model": "pix2pix-mnist"}, "pix2pix-mnist cannot interpolate"),
    ("/api/interpolate", {"model": "dcgan-mnist", "steps": 1}, "steps must be from 2 to 16"),
    ("/api/translate", {"model": "dcgan-mnist", "pixels": BLANK}, "dcgan-mnist cannot translate"),
    ("/api/translate", {"model": "pix2pix-mnist", "pixels": BLANK[:-1]}, "pixels must be a list of 784"),
    ("/api/translate", {"model": "pix2pix-mnist", "pixels": [2.0] * 784}, "pixels must be numbers in [0, 1]"),
    ("/api/translate", {"model": "pix2pix-mnist", "pixels": ["0"] * 784}, "pixels must be numbers in [0, 1]"),
    ("/api/reconstruct", {"model": "dcgan-mnist", "pixels": BLANK}, "dcgan-mnist cannot reconstruct"),
    ("/api/quiz/answer", {"session": "nope", "round": "nope", "pick": "left"}, "no such round"),
    ("/api/quiz/answer", {"session": "nope", "round": "nope", "pick": "middle"}, "pick must be one of left, right"),
])
def test_a_bad_parameter_is_a_400_that_says_what_is_expected(demo, path, body, problem):
    status, answer = call(demo, path, body)
    assert status == 400
    assert problem in answer["error"]


@pytest.mark.parametrize("raw, content_type, problem", [
    (b"{not json", "application/json", "not JSON"),
    (b"[1, 2]", "application/json", "must be a JSON object"),
    (b'{"model": "pix2pix-mnist", "pixels": [NaN]}', "application/json", "NaN is not a JSON number"),
    (b'{"model": "dcgan-mnist"}', "text/plain", "Content-Type: application/json"),
    (b"{" + b" " * 70000 + b"}", "application/json", "at most 65536 bytes"),
    (b'{"seed": ' + b"9" * 5000 + b"}", "application/json", "not JSON"),
    (b"\xff\xfe{}", "application/json", "not JSON"),
])
def test_a_malformed_body_is_a_400(demo, raw, content_type, problem):
    status, answer = call(demo, "/api/translate", raw=raw, headers={"Content-Type": content_type})
    assert status == 400 and problem in answer["error"]


def test_nothing_but_the_page_and_the_api_is_served(demo):
    with urllib.request.urlopen(demo.url, timeout=30) as response:
        page = response.read().decode()
        assert "<canvas id=\"pad\"" in page and response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    for path in ("/demo.js", "/demo.css"):
        with urllib.request.urlopen(demo.url.rstrip("/") + path, timeout=30) as response:
            assert response.status == 200
    for path in ("/index.html", "/static/demo.js", "/__init__.py", "/../registry.toml", "/%2e%2e/registry.toml", "/api"):
        status, answer = call(demo, path)
        assert status == 404 and "error" in answer
    assert call(demo, "/api/sample")[0] == 405  # a GET of an endpoint that takes a POST
    assert call(demo, "/api/models", {})[0] == 405


def test_requests_for_another_host_or_from_another_site_are_refused(demo):
    status, answer = call(demo, "/api/models", headers={"Host": "attacker.example:80"})
    assert status == 403 and "127.0.0.1" in answer["error"]
    status, _ = call(demo, "/api/quiz/round", {"model": "dcgan-mnist"}, headers={"Origin": "http://attacker.example"})
    assert status == 403
    own = f"http://127.0.0.1:{demo.server_address[1]}"
    assert call(demo, "/api/models", headers={"Origin": own})[0] == 200


def test_the_server_listens_on_the_loopback_interface_only(demo):
    assert demo.server_address[0] == "127.0.0.1"


@needs_mnist
def test_the_quiz_keeps_score_per_session(demo):
    status, first = call(demo, "/api/quiz/round", {"model": "dcgan-mnist"})
    assert status == 200 and first["available"] and first["score"] == {"right": 0, "total": 0}
    assert picture(first["left"]).shape == picture(first["right"]).shape == (28, 28, 3)
    status, answer = call(demo, "/api/quiz/answer", {"session": first["session"], "round": first["round"], "pick": "left"})
    assert status == 200 and answer["real"] in ("left", "right")
    assert answer["correct"] == (answer["real"] == "left")
    assert answer["score"] == {"right": int(answer["correct"]), "total": 1}
    again = call(demo, "/api/quiz/answer", {"session": first["session"], "round": first["round"], "pick": "left"})
    assert again[0] == 400  # a round is answered once
    second = call(demo, "/api/quiz/round", {"model": "dcgan-mnist", "session": first["session"]})[1]
    assert second["session"] == first["session"] and second["score"]["total"] == 1
    other = call(demo, "/api/quiz/round", {"model": "dcgan-mnist"})[1]
    assert other["session"] != first["session"] and other["score"]["total"] == 0


def test_the_quiz_says_when_there_are_no_real_images(monkeypatch):
    def nothing_here(name, root, train):
        raise ZooError(f"MNIST is not in {root}/MNIST/raw (from --data; ZOO_DATA is not set)")

    monkeypatch.setattr(quiz, "load_dataset", nothing_here)
    server = serve(Path("/nowhere"), 0)
    running(server)
    try:
        status, answer = call(server, "/api/quiz/round", {"model": "dcgan-mnist"})
    finally:
        server.shutdown()
        server.close()
    assert status == 200 and not answer["available"]
    assert answer["message"].startswith("No real mnist images to play with: MNIST is not in /nowhere")


def test_a_round_puts_the_real_image_on_either_side_and_says_which():
    real, fake = torch.ones(1, 1, 28, 28), torch.zeros(1, 1, 28, 28)
    sides = set()
    for _ in range(64):
        left, right, side = quiz.deal(real, fake)
        assert (left if side == "left" else right) is real and (right if side == "left" else left) is fake
        sides.add(side)
    assert sides == {"left", "right"}


def test_the_quiz_forgets_the_oldest_sessions():
    scores = quiz.Scores()
    first, _, _ = scores.new_round(None, "left")
    for _ in range(quiz.MAX_SESSIONS):
        scores.new_round(None, "left")
    assert first not in scores.sessions and len(scores.sessions) == quiz.MAX_SESSIONS


# --- the command --------------------------------------------------------------------------------------------------


def test_the_command_module_plugs_into_a_cli_as_zoo_cli_commands_do():
    parser = argparse.ArgumentParser(prog="zoo")
    sub = parser.add_subparsers(dest="command")
    command.add_arguments(sub.add_parser(command.NAME, help=command.HELP))
    args = parser.parse_args(["demo", "--port", "0", "--no-browser", "--data", "somewhere"])
    assert (args.command, args.port, args.no_browser, args.data) == ("demo", 0, True, Path("somewhere"))
    assert callable(command.run)
    with pytest.raises(SystemExit):
        parser.parse_args(["demo", "--port", "70000"])


def test_a_taken_port_is_one_line_and_status_2(demo, capsys):
    assert main(["--port", str(demo.server_address[1]), "--no-browser"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--port 0" in error


def _as_from_a_terminal() -> None:
    """Ctrl-C reaches the demo as in a terminal, even when the tests run as a background job
    (which starts with SIGINT ignored, and then Python installs no KeyboardInterrupt handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_zoo_demo_serves_until_interrupted():
    process = subprocess.Popen([sys.executable, "-m", "zoo.demo", "--port", "0", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_as_from_a_terminal)
    try:
        line = process.stdout.readline()
        assert line.startswith("zoo demo: serving http://127.0.0.1:"), line + process.stderr.read()
        url = line.split()[3]
        with urllib.request.urlopen(url, timeout=60) as response:
            assert response.status == 200 and b"Which one is real?" in response.read()
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()


def test_the_page_ships_in_the_wheel():
    import fnmatch
    import tomllib

    setuptools = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "zoo.demo" in setuptools["packages"]
    static = Path(zoo.__file__).parent / "demo" / "static"
    shipped = setuptools["package-data"]["zoo.demo"]
    for file in static.iterdir():
        assert any(fnmatch.fnmatch(f"static/{file.name}", pattern) for pattern in shipped), file.name


def test_importing_zoo_or_zoo_demo_stays_cheap():
    code = "import sys, zoo; assert 'zoo.demo' not in sys.modules; import zoo.demo; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


# --- the page in headless Chromium ----------------------------------------------------------------------------------


class Page:
    """One Chromium tab, driven over the DevTools protocol."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.next_id = 0

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        """The value of ``expression`` once it is truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"still false after {timeout} s: {expression}")

    def centre(self, selector: str) -> tuple[float, float]:
        box = self.evaluate(f"(() => {{ const b = document.querySelector({selector!r}).getBoundingClientRect();"
                            " return [b.left, b.top, b.width, b.height]; })()")
        return box[0] + box[2] / 2, box[1] + box[3] / 2

    def mouse(self, kind: str, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", buttons=1 if kind != "mouseReleased" else 0,
                  clickCount=1)

    def click(self, selector: str) -> None:
        x, y = self.centre(selector)
        self.mouse("mousePressed", x, y)
        self.mouse("mouseReleased", x, y)

    def stroke(self, selector: str, points: list[tuple[float, float]]) -> None:
        """Drag the mouse through ``points``, given as fractions of the element's box."""
        box = self.evaluate(f"(() => {{ const b = document.querySelector({selector!r}).getBoundingClientRect();"
                            " return [b.left, b.top, b.width, b.height]; })()")
        at = [(box[0] + u * box[2], box[1] + v * box[3]) for u, v in points]
        self.mouse("mousePressed", *at[0])
        for x, y in at[1:]:
            self.mouse("mouseMoved", x, y)
        self.mouse("mouseReleased", *at[-1])


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Headless Chromium with a fresh profile; yields a function that opens a page at a URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install -y chromium)")
    websocket = pytest.importorskip("websocket", reason="websocket-client is not installed (pip install -e '.[test]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1280,900", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        endpoint = _devtools_endpoint(process)
        with urllib.request.urlopen(f"http://{endpoint}/json/list", timeout=30) as response:
            target = next(t for t in json.loads(response.read()) if t["type"] == "page")
        socket = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        page = Page(socket)

        def open_page(url: str) -> Page:
            page.send("Page.navigate", url=url)
            page.wait_for("document.readyState === 'complete' && document.body.dataset.ready === 'true'")
            return page

        yield open_page
        socket.close()
    finally:
        process.kill()
        process.wait(timeout=30)


def _devtools_endpoint(process: subprocess.Popen) -> str:
    """``host:port`` from Chromium's "DevTools listening on ws://..." line."""
    for line in process.stderr:
        if "DevTools listening on ws://" in line:
            return line.split("ws://", 1)[1].split("/", 1)[0]
    raise AssertionError("Chromium exited without opening its DevTools port")


@needs_chromium
def test_drawing_on_the_pix2pix_pad_changes_the_digit_it_generates(demo, browser):
    page = browser(demo.url)
    page.evaluate("document.getElementById('pad-model').value = 'pix2pix-mnist'")
    assert page.evaluate("document.getElementById('pad-out').getAttribute('src')") is None
    page.stroke("#pad", [(0.5, 0.2), (0.5, 0.5), (0.5, 0.8)])
    first = page.wait_for("document.getElementById('pad-out').getAttribute('src')")
    page.stroke("#pad", [(0.3, 0.3), (0.5, 0.2), (0.7, 0.3), (0.7, 0.5)])
    second = page.wait_for(f"(s => s !== {first!r} && s)(document.getElementById('pad-out').getAttribute('src'))")
    assert (picture(first).float() - picture(second).float()).abs().max() > 50
    page.click("#pad-example")  # an edge map stored with the weights replaces the drawing
    page.wait_for(f"(s => s !== {second!r} && s)(document.getElementById('pad-out').getAttribute('src'))")


@needs_chromium
@needs_mnist
def test_the_quiz_round_trips_in_the_browser(demo, browser):
    page = browser(demo.url)
    first = page.wait_for("document.getElementById('quiz-panel').dataset.round")
    assert page.evaluate("document.getElementById('quiz-score').textContent") == "0 / 0"
    page.click("#quiz-left")
    page.wait_for("document.getElementById('quiz-score').textContent.endsWith('/ 1')")
    assert page.evaluate("document.querySelectorAll('.choice.real').length") == 1
    page.wait_for(f"(r => r && r !== {first!r})(document.getElementById('quiz-panel').dataset.round)")
    page.click("#quiz-right")
    score = page.wait_for("(t => t.endsWith('/ 2') && t)(document.getElementById('quiz-score').textContent)")
    assert int(score.split(" / ")[0]) in (0, 1, 2)


@needs_chromium
def test_the_page_shows_every_model_a_walk_and_a_reconstruction(demo, browser):
    page = browser(demo.url)
    assert page.evaluate("document.querySelectorAll('#cards .card').length") == len(list_models())
    page.stroke("#ae-pad", [(0.3, 0.2), (0.7, 0.2), (0.5, 0.6), (0.45, 0.85)])
    assert page.wait_for("document.getElementById('ae-out').getAttribute('src')").startswith("data:image/png")
    page.wait_for("document.getElementById('walk-out').getAttribute('src')")
    page.evaluate("document.getElementById('cards').scrollIntoView()")  # cards sample once they are in view
    page.wait_for("document.querySelector('#cards .card .grid').getAttribute('src')", timeout=60)
