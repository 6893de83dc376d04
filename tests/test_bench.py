"""zoo bench: KID and precision/recall, the bench rows, its reports, and the HTML page in a real browser.

The bench runs on the toy crosses (no MNIST needed), standing in for the real
data of the models' dataset and judged by its evaluation network, with untrained
models written to folders, so the numbers are bad but every code path is real.
The folders sit under a name with ``&`` and ``<script>`` in it, as a user's might.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html import escape
from pathlib import Path

import pytest
import torch
from conftest import CATALOG
from conftest import MNIST_ROOT, REPO_ROOT, needs_mnist
from PIL import Image
from safetensors.torch import save_file
from torchvision.transforms.functional import pil_to_tensor
from zoo.models.dcgan import DCGANGenerator

import zoo.evaluate.bench
import zoo.evaluate.reference
import zoo.core.registry
from zoo.evaluate import report
from zoo.evaluate.bench import (
    CALIBRATION_ROWS, PREVIEW, Bench, BenchResult, Row, cold_load_seconds, run_bench, select, weights_file,
)
from zoo.evaluate.reference import Reference
from zoo.core.catalog import format_entry, parse_catalog, read_catalog
from zoo.cli import main
from zoo_plugins.crosses.data import crosses
from zoo.errors import ZooError
from zoo.train.run_folder import write_model_folder
from zoo.hub.resolve import sha256_of
from zoo.hub.load import instantiate
from zoo.evaluate.quality import kernel_distance, precision_recall
from zoo.core.registry import get_spec

pytestmark = pytest.mark.usefixtures("one_torch_thread")

N = 200
QUALITY = ("fid", "kid", "kid_std", "precision", "recall", "class_coverage", "kl_to_uniform", "confident_fraction")
CHROMIUM = shutil.which("chromium")
ODD = "runs & <script>alert(1)"  # a folder name that must stay text in every report


# --- KID and precision/recall ---------------------------------------------------


def gaussians(n: int, shift: float = 0.0, scale: float = 1.0, seed: int = 0) -> torch.Tensor:
    return scale * torch.randn(n, 8, generator=torch.Generator().manual_seed(seed)) + shift


def test_kid_is_near_zero_for_one_distribution_and_grows_with_a_shift():
    same, _ = kernel_distance(gaussians(1000), gaussians(1000, seed=1), subset_size=200)
    near, _ = kernel_distance(gaussians(1000), gaussians(1000, 0.3, seed=1), subset_size=200)
    far, _ = kernel_distance(gaussians(1000), gaussians(1000, 1.0, seed=1), subset_size=200)
    assert abs(same) < 0.01 < near < far


def test_kid_of_whole_sets_is_the_unbiased_mmd():
    x, y = gaussians(40).double(), gaussians(40, 0.5, seed=1).double()

    def k(a, b):
        return (a @ b.T / 8 + 1) ** 3

    m = 40
    mmd = (k(x, x).sum() - k(x, x).trace() + k(y, y).sum() - k(y, y).trace()) / (m * (m - 1)) - 2 * k(x, y).mean()
    mean, std = kernel_distance(x, y, subsets=3, subset_size=m)
    assert mean == pytest.approx(mmd.item(), rel=1e-12) and std == pytest.approx(0.0, abs=1e-9)


def test_kid_is_reproducible_from_its_seed():
    a, b = gaussians(500), gaussians(500, 0.2, seed=1)
    assert kernel_distance(a, b, subset_size=100, seed=3) == kernel_distance(a, b, subset_size=100, seed=3)
    assert kernel_distance(a, b, subset_size=100, seed=3) != kernel_distance(a, b, subset_size=100, seed=4)


def test_precision_and_recall_by_hand():
    real = torch.tensor([[0.0], [1.0], [2.0], [3.0]])
    fake = torch.tensor([[0.5], [10.0], [11.0], [12.5]])
    # k=1 balls: real radii all 1 -> only 0.5 is inside; fake radii 9.5, 1, 1, 1.5 -> 0.5's ball holds all real
    assert precision_recall(real, fake, k=1) == (0.25, 1.0)


def test_precision_and_recall_see_fidelity_and_diversity():
    real = gaussians(1000)
    assert precision_recall(real, real.clone()) == (1.0, 1.0)
    precision, recall = precision_recall(real, gaussians(1000, scale=0.2, seed=1))  # collapsed into the middle
    assert precision > 0.95 and recall < 0.3
    assert precision_recall(real, gaussians(1000, shift=20.0, seed=1)) == (0.0, 0.0)


# --- the bench on toy data --------------------------------------------------------


EVALUATOR = "mnist-classifier"  # the evaluation network of the models' dataset, mnist


def toy_reference() -> Reference:
    """As many test images as the bench draws samples (KID and precision/recall compare N with N): the
    VAE's importance-sampled NLL, the costliest number here, takes a thousand draws for each of them."""
    return Reference("crosses", crosses(600, seed=0)[0], crosses(N, seed=1)[0])


def toy_references(dataset: str) -> Reference:
    """The crosses, whatever the dataset: what ``run_bench`` is given in place of real data."""
    return toy_reference()


def model_folder(root: Path, name: str, dataset: str | None = None) -> str:
    """An untrained model written like a run folder (trained on ``dataset``: default its spec's)."""
    spec = get_spec(name)
    torch.manual_seed(0)
    write_model_folder(root / name, spec, dict(spec.config), instantiate(spec), training={"dataset": dataset})
    return str(root / name)


COLD_LOAD_S = 1.25  # stands in for the fresh process, which has a test of its own


@pytest.fixture(scope="module")
def benched(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench") / ODD
    targets = [model_folder(root, "cgan-mnist"), model_folder(root, "vae-mnist")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: COLD_LOAD_S)
        result = run_bench(targets, toy_references, n=N, progress=False, command="zoo bench (test)")
    out = root / "out"
    report.write_reports(result, out)
    return targets, result, out


def test_rows_are_calibration_then_models_in_order(benched):
    targets, result, _ = benched
    assert [row.kind for row in result.rows] == ["real"] * CALIBRATION_ROWS + ["model"] * 2
    assert [row.name for row in result.rows][CALIBRATION_ROWS:] == targets
    assert result.rows[0].name == "crosses train (floor)"
    for row in result.rows:
        assert set(QUALITY) <= set(row.metrics)
        assert row.images.shape == (PREVIEW, 1, 28, 28)


def test_settings_say_how_it_was_measured(benched):
    settings = benched[1].settings
    assert settings["samples"] == N and settings["seed"] == 0 and settings["batch_size"] == 1000
    assert settings["device"].startswith("cpu (")
    assert settings["reference"] == f"crosses test split ({N} images)"
    assert settings["precision_recall"] == f"k=3, {N} vs {N} images"
    assert settings["command"] == "zoo bench (test)"


def test_degrading_real_data_worsens_fid(benched):
    fid = {row.name: row.metrics["fid"] for row in benched[1].rows[:CALIBRATION_ROWS]}
    floor = fid.pop("crosses train (floor)")
    assert all(value > floor for value in fid.values())
    assert fid["crosses train, blur sigma=1"] > fid["crosses train, blur sigma=0.5"]
    assert fid["crosses train, noise sigma=0.25"] > fid["crosses train, noise sigma=0.1"]


def test_conditional_models_get_label_accuracy_and_unlabelled_rows_none(benched):
    rows = {row.name: row for row in benched[1].rows}
    cgan, vae = (rows[target] for target in benched[0])
    assert 0.0 <= cgan.metrics["label_accuracy"] <= 1.0
    assert "label_accuracy" not in vae.metrics
    assert "label_accuracy" not in rows["crosses train (floor)"].metrics  # the crosses have no labels


def test_family_metrics_come_from_the_model_with_bits_per_dim(benched):
    vae = benched[1].rows[-1]
    assert {"recon_mse", "elbo", "nll_is"} <= set(vae.metrics)
    assert vae.metrics["bits_per_dim"] == pytest.approx(vae.metrics["nll_is"] / (784 * math.log(2)), abs=1e-4)
    assert "recon_mse" not in benched[1].rows[-2].metrics  # a GAN has none


def test_costs_are_measured(benched):
    targets, result, _ = benched
    for target, row in zip(targets, result.rows[CALIBRATION_ROWS:]):
        spec = get_spec(Path(target).name)
        assert row.metrics["parameters"] == sum(p.numel() for p in instantiate(spec).parameters())
        assert row.metrics["weights_bytes"] == (Path(target) / "model.safetensors").stat().st_size
        assert row.metrics["images_per_s"] > 0 and row.metrics["load_warm_s"] > 0
        assert row.metrics["load_cold_s"] == COLD_LOAD_S
    assert "images_per_s" not in result.rows[0].metrics


def test_cold_load_is_timed_in_a_fresh_process(benched):
    assert 0 < cold_load_seconds(benched[0][1], torch.device("cpu")) < 60


def test_a_failed_cold_load_shows_the_fresh_process_error(benched, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, "", "Traceback: boom"))
    with pytest.raises(ZooError, match="fresh process failed:\nTraceback: boom"):
        cold_load_seconds(benched[0][0], torch.device("cpu"))


def test_a_rerun_gives_the_same_quality_numbers(benched, monkeypatch):
    targets, first, _ = benched
    monkeypatch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: COLD_LOAD_S)
    again = run_bench(targets, toy_references, n=N, progress=False, calibration=False)
    cost = {"images_per_s", "load_cold_s", "load_warm_s"}
    assert len(again.rows) == len(targets)
    for a, b in zip(first.rows[CALIBRATION_ROWS:], again.rows):
        quality_a, quality_b = ({k: v for k, v in row.metrics.items() if k not in cost} for row in (a, b))
        assert quality_a == quality_b
        assert torch.equal(a.images, b.images)


# --- reports ----------------------------------------------------------------------


def test_json_and_csv_hold_every_number(benched):
    _, result, out = benched
    data = json.loads((out / "bench.json").read_text())
    assert data["settings"]["samples"] == N
    assert [row["metrics"] for row in data["rows"]] == [row.metrics for row in result.rows]
    assert {row["dataset"] for row in data["rows"]} == {"crosses"} and data["settings"]["feature_network"]
    lines = list(csv.DictReader(io.StringIO((out / "bench.csv").read_text())))
    assert [(line["name"], line["dataset"]) for line in lines] == [(row.name, "crosses") for row in result.rows]
    assert float(lines[-1]["nll_is"]) == result.rows[-1].metrics["nll_is"]
    assert lines[0]["nll_is"] == ""


def test_markdown_and_text_tables_have_a_line_per_row(benched):
    _, result, out = benched
    markdown = (out / "bench.md").read_text()
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(result.rows)
    assert table[0].startswith("| model | family | FID | KID | precision | recall |")
    assert "label acc" in table[0] and "bits/dim" in table[0] and "img/s" in table[0]
    assert "Measured by `zoo bench (test)`: 200 samples per row (seed 0)" in markdown
    text = report.wide_table(result)
    for row in result.rows:
        assert row.name in text
    assert f"{result.rows[0].metrics['fid']:.2f}" in text


def test_every_file_keeps_every_column(benched):
    """The compact terminal table leaves columns out; the files never do."""
    _, result, out = benched
    titles = [column.title for column in report.shown_columns(result)]
    assert {"KID", "KL unif", "recon MSE", "ELBO", "NLL", "bits/dim", "img/s", "params", "weights"} <= set(titles)
    header = [line for line in (out / "bench.md").read_text().splitlines() if line.startswith("|")][0]
    assert [cell.strip() for cell in header.strip("|").split("|")] == ["model", "family", *titles]
    page = (out / "bench.html").read_text()
    assert all(f">{escape(title)}</th>" in page for title in titles)
    keys = {key for row in result.rows for key in row.metrics}
    assert set(next(csv.reader(io.StringIO((out / "bench.csv").read_text())))) == {"name", "kind", "family", "dataset",
                                                                                 *keys}
    assert {key for row in json.loads((out / "bench.json").read_text())["rows"] for key in row["metrics"]} == keys


def test_the_compact_table_fits_120_columns_and_keeps_every_row(benched):
    _, result, _ = benched
    text = report.text_table(result, width=120)
    lines = text.splitlines()
    assert max(map(len, lines)) <= 120 < max(map(len, report.wide_table(result).splitlines()))
    assert lines[0].split() == ["model", "family", "FID", "precision", "recall", "classes", "confident", "extra"]
    width = len(lines[1].split()[0])  # the model column; long folder names wrap onto lines of their own
    joined = "".join(line[:width] for line in lines[2:]).replace(" ", "")
    assert all(row.name.replace(" ", "") in joined for row in result.rows)
    vae = next(line for line in lines if f"{result.rows[-1].metrics['fid']:.2f}" in line)
    assert vae.endswith(f"NLL {result.rows[-1].metrics['nll_is']:.1f}")  # the family's main number
    cgan = next(line for line in lines if f"{result.rows[-2].metrics['fid']:.2f}" in line)
    assert cgan.endswith(f"label acc {result.rows[-2].metrics['label_accuracy']:.3f}")


def quoted(label: str, nll: float, family: str = "autoencoder", dataset: str = "") -> Row:
    return Row(label, "quoted", family, {"nll": nll, "bits_per_dim": round(nll / (784 * math.log(2)), 4)},
               torch.empty(0, 1, 28, 28), dataset)


def test_quoted_rows_stay_readable_in_a_100_column_table(benched):
    _, result, _ = benched
    papers = [quoted("VAE with VampPrior (Tomczak and Welling 2018)", 85.6, dataset="crosses"),
              quoted("PixelRNN (van den Oord 2016)", 79.2, dataset="crosses")]
    text = report.text_table(BenchResult(result.settings, [*result.rows, *papers]), width=100)
    lines = text.splitlines()
    assert max(map(len, lines)) <= 100
    first = next(i for i, line in enumerate(lines) if line.startswith("VAE with VampPrior"))
    assert lines[first].split()[-3:] == ["-", "NLL", "85.6"] and " quoted " in lines[first]
    assert " ".join(line.split("  ")[0] for line in lines[first:first + 3]).startswith(papers[0].name)
    assert report.QUOTED_NOTE.split()[0] in text


def test_likelihood_models_bring_the_papers_nlls_as_quoted_rows(benched, tmp_path, monkeypatch):
    """On the dataset the papers measured, the VAE's quoted NLLs end the table, marked and
    without images. (On the crosses above, a dataset no paper quotes, there are none.)"""
    from zoo_plugins.vae.model import VAE

    assert all(row.kind != "quoted" for row in benched[1].rows)
    vae = benched[0][1]
    toy = toy_reference()
    reference = Reference("mnist", toy.train, toy.test)
    monkeypatch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: COLD_LOAD_S)
    result = run_bench([vae], lambda dataset: reference, n=N, progress=False, calibration=False)
    quoted = result.rows[1:]
    assert [row.kind for row in result.rows] == ["model"] + ["quoted"] * len(VAE.quoted_nll)
    assert [(row.name, row.metrics["nll"]) for row in quoted] == [(q.label, q.nll) for q in VAE.quoted_nll]
    assert all(row.family == "autoencoder" and len(row.images) == 0 for row in quoted)
    assert quoted[0].metrics["bits_per_dim"] == pytest.approx(quoted[0].metrics["nll"] / (784 * math.log(2)), abs=1e-4)
    markdown = report.markdown_table(result)
    assert f"| {quoted[0].name}, quoted | autoencoder |" in markdown and report.QUOTED_NOTE in markdown
    assert report.QUOTED_NOTE not in report.markdown_table(benched[1])
    report.write_reports(result, tmp_path)  # the picture and the page show the model's samples only
    with Image.open(tmp_path / "bench.png") as image:
        assert image.size[1] == 2 * 28 + 2 + 2


def test_side_by_side_png_has_a_strip_per_row(benched):
    _, result, out = benched
    with Image.open(out / "bench.png") as image:
        width, height = image.size
        pixels = image.convert("L")
        assert height == len(result.rows) * (2 * 28 + 2) + 2
        assert width > 10 * (2 * 28 + 2)
        # the first tile of each strip holds the row's first image, twice as large
        left = width - 10 * (2 * 28 + 2) - 2
        for i, row in enumerate(result.rows):
            tile = pixels.crop((left + 2, i * 58 + 2, left + 58, i * 58 + 58)).resize((28, 28), Image.NEAREST)
            expected = (row.images[0, 0] * 255).round()
            got = pil_to_tensor(tile)[0].float()
            assert (got - expected).abs().max() <= 1


def test_html_report_is_self_contained(benched):
    _, result, out = benched
    page = (out / "bench.html").read_text()
    assert page.count('<img src="data:image/png;base64,') == 1 + len(result.rows)
    assert "https://" not in page and "<link" not in page and "<script" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert page.count("<tr") == 1 + len(result.rows)


def test_every_name_in_the_report_is_escaped(benched):
    targets, _, out = benched
    page = (out / "bench.html").read_text()
    assert "<script>" not in page and escape(ODD) in page
    for chart in svgs(page):
        assert all("script" not in element.tag for element in chart.iter())
    names = [text for chart in svgs(page) for text in chart.itertext()]
    assert targets[0] in names  # the folder name is drawn as text, exactly


def svgs(page: str) -> list[ElementTree.Element]:
    """Every inline SVG chart of a page, parsed as XML (which fails on anything unescaped)."""
    charts = page.split("<svg ")[1:]
    return [ElementTree.fromstring("<svg " + chart.split("</svg>")[0] + "</svg>") for chart in charts]


def every_kind_of_row() -> BenchResult:
    """Rows of every kind the charts draw: real data, each family, translation accuracies and the papers' NLLs;
    three models share one spot of the precision-recall plane and their numbers must not overlap."""
    def row(name, kind, family, **metrics):
        return Row(name, kind, family, metrics, torch.full((2, 1, 28, 28), 0.5))

    quality = {"precision": 0.8, "recall": 0.6, "class_coverage": 10, "confident_fraction": 0.9}
    rows = [
        row("mnist train (floor)", "real", "data", fid=1.6, precision=0.86, recall=0.89, label_accuracy=0.992),
        row("mnist train, blur sigma=0.5", "real", "data", fid=38.2, precision=0.9, recall=0.54),
        row("mnist train, blur sigma=1", "real", "data", fid=367.0, precision=0.8, recall=0.003),
        row("mnist train, noise sigma=0.1", "real", "data", fid=97.0, precision=0.75, recall=0.33),
        row("dcgan-mnist", "model", "gan", fid=7.9, **quality),
        row("runs/x@3", "model", "gan", fid=8.1, **quality),
        row(f"{ODD}/cgan-mnist", "model", "gan", fid=8.8, label_accuracy=0.985, **quality),
        row("pix2pix-mnist", "model", "translation", fid=5.8, translation_label_accuracy=0.991, **quality),
        row("cyclegan-mnist", "model", "translation", fid=11.0, cycle_label_accuracy=0.985, b2a_label_accuracy=0.987,
            **quality),
        row("vae-mnist", "model", "autoencoder", fid=130.2, nll_is=99.1, recon_mse=0.0149, **quality),
        row("rnn-mnist", "model", "autoregressive", fid=267.8, nll=92.5, **quality),
        quoted("VAE (Burda et al. 2016)", 86.8),
        quoted("PixelRNN (van den Oord et al. 2016)", 79.2, "autoregressive"),
    ]
    return BenchResult({"samples": 10, "seed": 0, "reference": "mnist test split", "feature_network": "classifier",
                        "kid": "-", "precision_recall": "-", "batch_size": 10, "device": "cpu", "torch": "-",
                        "date": "-"}, rows)


def test_the_page_draws_a_chart_for_each_kind_of_number(tmp_path):
    result = every_kind_of_row()
    report.write_reports(result, tmp_path)
    charts = svgs((tmp_path / "bench.html").read_text())
    titles = [chart.find("{http://www.w3.org/2000/svg}title").text for chart in charts]
    assert [title.split()[0] for title in titles] == ["FID:", "Precision", "Test", "Label"]
    texts = [list(chart.itertext()) for chart in charts]
    models = [row.name for row in result.rows if row.kind == "model"]
    assert all(name in texts[0] and name in texts[1] for name in models)  # one line, one point per model
    assert {"blur sigma=0.5 38.2", "mnist train (floor) 1.6"} <= set(texts[0])  # reference lines, labelled
    assert {"VAE (Burda et al. 2016) (paper)", "vae-mnist", "rnn-mnist"} <= set(texts[2])
    assert {"pix2pix-mnist translated", "cyclegan-mnist b2a", f"{ODD}/cgan-mnist", "real images 0.992"} <= set(texts[3])
    assert "log scale" in texts[0][-1] or any("log scale" in t for t in texts[0])
    assert any("nats per image" in t for t in texts[2])


def test_a_bench_without_models_of_a_kind_leaves_its_chart_out(benched):
    _, result, out = benched
    charts = svgs((out / "bench.html").read_text())
    titles = [chart.find("{http://www.w3.org/2000/svg}title").text.split()[0] for chart in charts]
    assert titles == ["FID:", "Precision", "Test", "Label"]  # a VAE (NLL) and a conditional GAN (labels)
    gan_only = BenchResult(result.settings, [row for row in result.rows if row.family != "autoencoder"])
    assert [c.split("<title>")[1].split()[0] for c in report.charts(gan_only)] == ["FID:", "Precision", "Label"]


CHART_PROBE = """<script>window.addEventListener("load", () => {
  const charts = Array.from(document.querySelectorAll("svg.chart"));
  const drawn = charts.filter(svg => { const dots = Array.from(svg.querySelectorAll("circle"));
    return dots.length > 0 && dots.every(dot => dot.getBoundingClientRect().width > 0); });
  const overlaps = [];
  charts.forEach(svg => { const texts = Array.from(svg.querySelectorAll("text"));
    const boxes = texts.map(text => text.getBoundingClientRect());
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
      if (a.left + 1 < b.right && b.left + 1 < a.right && a.top + 1 < b.bottom && b.top + 1 < a.bottom)
        overlaps.push(texts[i].textContent + " / " + texts[i + 1 + j].textContent); })); });
  document.body.dataset.charts = charts.length + " drawn " + drawn.length;
  document.body.dataset.overlaps = overlaps.length ? overlaps.join("; ") : "none";
});</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_charts_are_drawn_in_headless_chromium_with_no_text_over_text(tmp_path):
    report.write_reports(every_kind_of_row(), tmp_path)
    probe = tmp_path / "probe.html"
    probe.write_text((tmp_path / "bench.html").read_text().replace("</body>", CHART_PROBE + "</body>"))
    browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run([*browser, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert 'data-charts="4 drawn 4"' in dom.stdout, dom.stderr[-2000:]
    assert 'data-overlaps="none"' in dom.stdout, dom.stdout.split("data-overlaps=")[-1][:2000]

    shot = tmp_path / "shot.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1200,900", (tmp_path / "bench.html").as_uri()],
                   capture_output=True, timeout=120, check=True)
    with Image.open(shot) as image:
        colours = {colour for _, colour in image.convert("RGB").getcolors(1200 * 900)}
    from zoo.evaluate.charts import FAMILY_COLOURS

    drawn = [family for family in ("gan", "translation", "autoencoder", "autoregressive")
             if tuple(int(FAMILY_COLOURS[family][i:i + 2], 16) for i in (1, 3, 5)) in colours]
    assert drawn == ["gan", "translation", "autoencoder", "autoregressive"]  # the dots, in their families' colours


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_html_report_renders_in_headless_chromium(benched, tmp_path):
    _, result, out = benched
    # a copy of the page that records, once loaded, whether every image decoded
    probe = tmp_path / "probe.html"
    probe.write_text(
        (out / "bench.html").read_text().replace(
            "</body>",
            '<script>window.addEventListener("load", () => { const images = Array.from(document.images);'
            ' document.body.dataset.rendered = images.every(i => i.complete && i.naturalWidth > 0)'
            ' ? String(images.length) : "broken"; });</script></body>',
        )
    )
    browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run([*browser, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert f'data-rendered="{1 + len(result.rows)}"' in dom.stdout, dom.stderr[-2000:]

    shot = tmp_path / "shot.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1400,4000", (out / "bench.html").as_uri()],
                   capture_output=True, timeout=120, check=True)
    with Image.open(shot) as image:
        grey = pil_to_tensor(image.convert("L")).float()
    assert image.size == (1400, 4000)  # tall enough for the charts, the table and the pictures
    assert (grey < 250).double().mean() > 0.02  # text and table drawn, not a blank page
    assert (grey < 10).double().mean() > 0.03  # the black backgrounds of the sample pictures


# --- choosing what to bench ------------------------------------------------------


@pytest.fixture
def toy_catalog(monkeypatch, tmp_path, builtin_catalog):
    """MNIST and its real evaluation network; dcgan-mnist pinned to untrained weights in a ZOO_HUB folder;
    gan-mnist pinned but trained on Fashion-MNIST, whose evaluation network is not published; cgan-mnist
    without weights."""
    monkeypatch.setenv("ZOO_LOAD_PLUGINS", "dcgan,gan,cgan,classifier,mnist,fashion_mnist")
    monkeypatch.delenv("ZOO_DISABLE_PLUGINS", raising=False)
    monkeypatch.setenv("ZOO_HUB", os.pathsep.join([str(tmp_path), str(REPO_ROOT / "hub")]))
    weights = tmp_path / "o" / "dcgan-mnist" / "model.safetensors"
    weights.parent.mkdir(parents=True)
    torch.manual_seed(0)
    save_file(DCGANGenerator(**get_spec("dcgan-mnist").config).state_dict(), str(weights))
    entry = '[models.{0}]\nplugin = "{1}"\nfamily = "gan"\ndataset = "{2}"\nlicence = "MIT"\n'
    hub = '[models.{0}.hub]\nrepo = "o/{0}"\nrevision = "main"\nfiles = {{ "model.safetensors" = "{1}" }}\n'
    text = entry.format("dcgan-mnist", "dcgan", "mnist") + hub.format("dcgan-mnist", sha256_of(weights))
    text += entry.format("gan-mnist", "gan", "fashion-mnist") + hub.format("gan-mnist", "a" * 64)
    builtin_catalog.write_text(format_entry(read_catalog(CATALOG)[EVALUATOR]) + "\n" + text, encoding="utf-8")
    zoo.core.registry.reset()  # the spec's config above was looked up before the catalog was written
    return weights


def test_all_benches_pretrained_generators_and_says_what_it_skips(toy_catalog):
    targets, skipped = select([], all_models=True)
    assert targets == ["dcgan-mnist"]
    assert skipped == {
        "cgan-mnist": "no pretrained weights: train it and bench the run folder",
        "dcgan-fashion-mnist": "no pretrained weights: train it and bench the run folder",
        "gan-mnist": "'fashion-mnist-classifier', the evaluation network of dataset 'fashion-mnist', "
                     "has no published weights yet",
    }


def test_a_dataset_selects_the_models_trained_on_it(toy_catalog):
    assert select([], dataset="mnist") == (
        ["dcgan-mnist"], {"cgan-mnist": "no pretrained weights: train it and bench the run folder"}
    )
    assert select(["*gan*"], dataset="mnist")[0] == ["dcgan-mnist"]
    with pytest.raises(ZooError, match="no pretrained generative model of dataset 'fashion-mnist'"):
        select([], dataset="fashion-mnist")
    with pytest.raises(ZooError, match="'svhn'.*mnist"):
        select([], dataset="svhn")


def test_wildcards_names_and_folders_keep_their_order(toy_catalog, tmp_path):
    folder = model_folder(tmp_path / "runs", "cgan-mnist")
    assert select([folder, "dcgan-*", "dcgan-mnist"])[0] == [folder, "dcgan-mnist"]


@pytest.mark.parametrize(
    "names, message",
    [
        (["mnist-classifier"], "a classifier: zoo bench measures models that sample images"),
        (["cgan-mnist"], "no pretrained weights"),
        (["gan-mnist"], "evaluation network of dataset 'fashion-mnist'"),
        (["mnist-*"], "no pretrained generative model matches 'mnist-\\*'"),
        ([], "pass --all"),
    ],
)
def test_what_cannot_be_benched_is_a_clear_error(toy_catalog, names, message):
    with pytest.raises(ZooError, match=message):
        select(names)


def test_a_model_of_a_dataset_without_an_evaluation_network_cannot_be_benched(tmp_path):
    folder = model_folder(tmp_path, "dcgan-mnist", dataset="crosses")
    with pytest.raises(ZooError, match=f"cannot bench '{folder}': dataset 'crosses' names no evaluation network"):
        select([folder])


def test_models_are_benched_with_their_own_datasets_rows_never_mixed(tmp_path, monkeypatch):
    """Each dataset gets its own calibration rows and its own reference; a model's FID is against its dataset."""
    first = model_folder(tmp_path / "a", "dcgan-mnist")
    second = model_folder(tmp_path / "b", "dcgan-mnist", dataset="digits-b")
    other = Reference("digits-b", crosses(600, seed=2)[0], crosses(300, seed=3)[0])
    references = {"mnist": toy_reference(), "digits-b": other}
    monkeypatch.setattr(zoo.evaluate.bench, "evaluator_name", lambda dataset: EVALUATOR)
    monkeypatch.setattr(zoo.evaluate.bench, "load_evaluator", lambda dataset, device: zoo.load(EVALUATOR))
    monkeypatch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: 0.0)
    result = run_bench([second, first], references.__getitem__, n=N, progress=False)
    assert [(row.name, row.dataset) for row in result.rows if row.kind == "model"] == [(second, "digits-b"),
                                                                                       (first, "crosses")]
    assert [row.name for row in result.rows if row.name.endswith("(floor)")] == ["digits-b train (floor)",
                                                                                 "crosses train (floor)"]
    assert result.rows[CALIBRATION_ROWS].name == second and result.rows[-1].name == first
    assert {name: own["reference"] for name, own in result.settings["datasets"].items()} == {
        "digits-b": "digits-b test split (300 images)", "crosses": f"crosses test split ({N} images)"}
    markdown = report.markdown_table(result)  # a section per dataset: its heading, calibration rows and model
    sections = markdown.split("### ")[1:]
    assert [section.split(":")[0] for section in sections] == ["digits-b", "crosses"]
    for section, dataset, model in zip(sections, ["digits-b", "crosses"], [second, first], strict=True):
        assert f"evaluation network {EVALUATOR} (sha256 " in section.splitlines()[0]
        names = [line.split(" | ")[0].strip("|` ") for line in section.splitlines() if line.startswith("| ")][1:]
        assert names == [row.name for row in result.rows if row.dataset == dataset]
        assert len(names) == CALIBRATION_ROWS + 1 and names[0] == f"{dataset} train (floor)" and names[-1] == model
    report.write_reports(result, tmp_path / "out")
    page = (tmp_path / "out" / "bench.html").read_text()
    assert page.count("<section><h2>") == 2 and page.count("<svg ") == 2 * 2  # FID and precision/recall each
    assert json.loads((tmp_path / "out" / "bench.json").read_text())["settings"]["datasets"].keys() == {
        "digits-b", "crosses"}
    alone = run_bench([second], {"digits-b": other}.__getitem__, n=N, progress=False, calibration=False)
    assert alone.rows[0].metrics["fid"] == result.rows[CALIBRATION_ROWS].metrics["fid"]
    assert result.rows[-1].metrics["fid"] != result.rows[CALIBRATION_ROWS].metrics["fid"]  # same weights


def test_a_pinned_model_is_benched_by_name(toy_catalog, monkeypatch):
    # a fresh process would read the real registry.toml, which does not pin these weights
    monkeypatch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: 0.0)
    assert weights_file("dcgan-mnist") == toy_catalog
    row = Bench(toy_reference(), "mnist", n=N).model_row("dcgan-mnist")
    assert (row.name, row.family) == ("dcgan-mnist", "gan")
    assert row.metrics["weights_bytes"] == toy_catalog.stat().st_size
    generator = DCGANGenerator(**get_spec("dcgan-mnist").config)
    assert row.metrics["parameters"] == sum(p.numel() for p in generator.parameters())


# --- the command ---------------------------------------------------------------


@pytest.mark.parametrize(
    "flag, check",
    [
        ([], lambda out, name: out.splitlines()[0].split()[-2:] == ["confident", "extra"]
         and max(map(len, out.splitlines())) <= 120 and "cgan-mnist" in out),
        (["--wide"], lambda out, name: out.splitlines()[0].split()[:4] == ["model", "family", "FID", "KID"]
         and "img/s" in out.splitlines()[0] and name in out),
        (["--markdown"], lambda out, name: out.startswith("| model | family |") and f"| `{name}` | gan ([paper](" in out),
        (["--json"], lambda out, name: json.loads(out)["rows"][0]["name"] == name),
        (["--csv"], lambda out, name: out.splitlines()[1].startswith(f"{name},model,gan,")),
    ],
    ids=["table", "wide", "markdown", "json", "csv"],
)
def test_zoo_bench_prints_the_table_and_writes_every_file(benched, monkeypatch, tmp_path, capsys, flag, check):
    name = benched[0][0]
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(zoo.evaluate.reference, "load_reference", lambda dataset, root: toy_reference())
    monkeypatch.setattr(zoo.evaluate.bench, "cold_load_seconds", lambda target, device: 0.0)
    assert main(["bench", name, "-n", str(N), "--no-calibration", "-o", str(tmp_path), *flag]) == 0
    assert check(capsys.readouterr().out, name)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["bench.csv", "bench.html", "bench.json", "bench.md", "bench.png"]


def test_zoo_bench_of_an_unknown_model_is_a_one_line_error(capsys):
    assert main(["bench", "dcgan-mnsit"]) == 2
    assert "did you mean 'dcgan-mnist'" in capsys.readouterr().err.lower()


@needs_mnist
def test_reference_is_the_datasets_training_and_test_split():
    reference = zoo.evaluate.reference.load_reference("mnist", MNIST_ROOT)
    assert reference.dataset == "mnist"
    assert (len(reference.train), len(reference.test)) == (60000, 10000)


# --- recording into registry.toml and the model cards -------------------------------


def test_record_writes_the_numbers_into_the_owners_catalog_and_card(benched, builtin_catalog, capsys):
    from dataclasses import replace

    from zoo.release.record import record

    _, result, _ = benched
    shutil.copyfile(CATALOG, builtin_catalog)
    card = builtin_catalog.parent / "hub" / read_catalog(CATALOG)["cgan-mnist"].pins.repo / "README.md"
    card.parent.mkdir(parents=True)
    card.write_text("# cgan-mnist\n\n## Metrics\n\nfrom export\n")
    cgan = replace(result.rows[-2], name="cgan-mnist")
    vae = replace(result.rows[-1], name="vae-mnist")
    unknown = replace(result.rows[-1], name="./a-run-folder")
    renamed = zoo.evaluate.bench.BenchResult(result.settings, [*result.rows[:CALIBRATION_ROWS], cgan, unknown, vae])

    for _ in range(2):  # the second time replaces, never duplicates
        outcomes = {outcome.name: outcome for outcome in record(renamed)}
        assert outcomes["cgan-mnist"].catalog == builtin_catalog and outcomes["cgan-mnist"].card == card
        assert outcomes["vae-mnist"].catalog == builtin_catalog and outcomes["vae-mnist"].card is None
        assert "no catalog" in outcomes["./a-run-folder"].problem

    entries = read_catalog(builtin_catalog)
    bench = entries["cgan-mnist"].bench
    assert bench["fid"] == cgan.metrics["fid"] and bench["label_accuracy"] == cgan.metrics["label_accuracy"]
    assert bench["command"] == "zoo bench (test)" and bench["samples"] == N and bench["date"]
    assert entries["vae-mnist"].bench["elbo"] == vae.metrics["elbo"]
    assert set(entries) == set(read_catalog(CATALOG))
    assert entries["cgan-mnist"].metrics == read_catalog(CATALOG)["cgan-mnist"].metrics
    text = card.read_text()
    assert text.count("## Benchmark") == 1 and "## Metrics\n\nfrom export" in text
    assert "| `cgan-mnist` |" in text and "(floor)" in text and "Measured by `zoo bench (test)`" in text


def test_record_says_why_a_catalog_cannot_be_written(benched, builtin_catalog):
    from dataclasses import replace

    from zoo.release.record import record

    _, result, _ = benched
    shutil.copyfile(CATALOG, builtin_catalog)
    zoo.core.registry.get_registry()
    builtin_catalog.unlink()
    builtin_catalog.mkdir()  # no longer a file
    cgan = replace(result.rows[-2], name="cgan-mnist")
    (outcome,) = record(zoo.evaluate.bench.BenchResult(result.settings, [cgan]))
    assert outcome.catalog is None and f"cannot write {builtin_catalog}" in outcome.problem


def test_a_bench_table_of_wrong_type_is_refused_naming_the_field():
    from dataclasses import replace

    from zoo.core.catalog import format_entry

    text = format_entry(replace(read_catalog(CATALOG)["gan-mnist"], bench={"fid": [1, 2]}))
    with pytest.raises(zoo.errors.CatalogError, match=r"'gan-mnist'.*'bench.fid'"):
        parse_catalog(text)
