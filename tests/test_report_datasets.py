"""A bench of two datasets is reported dataset by dataset: every table, the picture and the page have a
section per dataset with its own heading, calibration rows, models and charts; CSV and JSON rows name
their dataset; ``zoo bench --record`` gives each model card its own dataset's floor and settings.

The rows are made by hand (no data, no models): two toy datasets, "dots" and "rings", whose numbers
must never meet in one table or chart.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ElementTree

import pytest
import torch
from conftest import CATALOG
from PIL import Image
from torchvision.transforms.functional import pil_to_tensor

import zoo.core.registry
from zoo.core.catalog import read_catalog
from zoo.evaluate import charts, report
from zoo.evaluate.bench import BenchResult, Row
from zoo.evaluate.pictures import PAD, SCALE, STRIP, TITLE

SVG = "{http://www.w3.org/2000/svg}"
QUALITY = {"precision": 0.8, "recall": 0.6, "class_coverage": 4, "confident_fraction": 0.9, "kid": 0.01}


def row(name: str, kind: str, family: str, dataset: str, shade: float, **metrics) -> Row:
    """A row whose images are all ``shade``, so the picture shows which row a strip holds."""
    return Row(name, kind, family, {**QUALITY, **metrics}, torch.full((STRIP, 1, 28, 28), shade), dataset)


def own_settings(dataset: str, test_images: int) -> dict[str, str]:
    return {"reference": f"{dataset} test split ({test_images} images)",
            "feature_network": f"{dataset}-net (sha256 {dataset[0] * 12})",
            "kid": "100 subsets of 50", "precision_recall": f"k=3, {test_images} vs {test_images} images"}


def two_datasets() -> BenchResult:
    """Dots (calibration rows, a GAN, a VAE and a paper's NLL quoted at the end) then rings."""
    rows = [
        row("dots train (floor)", "real", "data", "dots", 0.1, fid=1.5, label_accuracy=0.99),
        row("dots train, blur sigma=1", "real", "data", "dots", 0.2, fid=40.0),
        row("gan-dots", "model", "gan", "dots", 0.3, fid=9.0),
        row("vae-dots", "model", "autoencoder", "dots", 0.4, fid=120.0, nll_is=80.0),
        row("rings train (floor)", "real", "data", "rings", 0.6, fid=3.5, label_accuracy=0.91),
        row("rings train, blur sigma=1", "real", "data", "rings", 0.7, fid=70.0),
        row("cgan-rings", "model", "gan", "rings", 0.8, fid=25.0, label_accuracy=0.85),
        Row("VAE on dots (a paper)", "quoted", "autoencoder", {"nll": 75.0}, torch.empty(0, 1, 28, 28), "dots"),
    ]
    settings = {"samples": 50, "seed": 0, "batch_size": 50, "device": "cpu",
                "datasets": {"dots": own_settings("dots", 300), "rings": own_settings("rings", 200)},
                "torch": "2", "date": "today", "command": "zoo bench --all"}
    return BenchResult(settings, rows)


DOTS = ["dots train (floor)", "dots train, blur sigma=1", "gan-dots", "vae-dots", "VAE on dots (a paper)"]
RINGS = ["rings train (floor)", "rings train, blur sigma=1", "cgan-rings"]
HEADINGS = ["dots: evaluation network dots-net (sha256 dddddddddddd)",
            "rings: evaluation network rings-net (sha256 rrrrrrrrrrrr)"]


def positions(text: str, names: list[str]) -> list[int]:
    return [text.index(name) for name in names]


@pytest.mark.parametrize("form", ["text", "wide", "markdown"])
def test_each_table_has_a_section_per_dataset_under_its_heading(form):
    text = {"text": lambda r: report.text_table(r, width=120), "wide": report.wide_table,
            "markdown": report.markdown_table}[form](two_datasets())
    heading = "### " if form == "markdown" else ""
    starts = [text.index(f"\n{heading}{title}\n") if i else text.index(f"{heading}{title}\n")
              for i, title in enumerate(HEADINGS)]
    assert starts[0] == 0 and all(text.count(title) == 1 for title in HEADINGS)
    dots, rings = text[:starts[1]], text[starts[1]:]
    assert all(name in dots and name not in rings for name in DOTS)  # the quoted row ends its own section
    assert all(name in rings and name not in dots for name in RINGS)
    for section, (dataset, images) in zip((dots, rings), (("dots", 300), ("rings", 200))):
        header = next(line for line in section.splitlines() if "model" in line and "family" in line)
        assert header.index("model") < section.index(f"{dataset} train (floor)")  # its own calibration rows
        assert f"Against the {dataset} test split ({images} images)" in section.replace("\n", " ")
    assert "each dataset's rows against its own test split" in rings.replace("\n", " ")
    if form == "text":
        assert max(map(len, text.splitlines())) <= 120


def test_a_section_shows_only_the_columns_its_rows_have():
    dots, rings = report.markdown_table(two_datasets()).split(f"### {HEADINGS[1]}")
    header = next(line for line in rings.splitlines() if line.startswith("| model"))
    assert "label acc" in header and "NLL" not in header  # rings have no likelihood model
    assert "| NLL |" in next(line for line in dots.splitlines() if line.startswith("| model"))


def test_one_dataset_has_no_section_headings():
    result = two_datasets().of_dataset("rings")
    assert result.settings["reference"] == "rings test split (200 images)" and "datasets" not in result.settings
    markdown = report.markdown_table(result)
    assert markdown.startswith("| model | family |") and "###" not in markdown and "evaluation network" not in markdown
    assert "against the rings test split (200 images), on features of rings-net" in markdown
    assert not report.text_table(result).startswith("rings")


def test_json_and_csv_rows_name_their_dataset_grouped_with_the_settings_per_dataset():
    result = two_datasets()
    data = json.loads(report.to_json(result))
    grouped = [(name, "dots") for name in DOTS] + [(name, "rings") for name in RINGS]  # the quoted row moves up
    assert [(r["name"], r["dataset"]) for r in data["rows"]] == grouped
    assert data["settings"]["datasets"]["rings"]["feature_network"] == "rings-net (sha256 rrrrrrrrrrrr)"
    assert data["settings"]["datasets"]["dots"]["reference"] == "dots test split (300 images)"
    assert "feature_network" not in data["settings"]
    lines = list(csv.DictReader(io.StringIO(report.to_csv(result))))
    assert [(line["name"], line["dataset"]) for line in lines] == [(r["name"], r["dataset"]) for r in data["rows"]]
    assert lines[-1]["label_accuracy"] == "0.85" and lines[-1]["nll_is"] == ""


def tile(image: Image.Image, left: int, top: int) -> torch.Tensor:
    """The first image of the strip at ``top``, back at its own size."""
    size = 28 * SCALE
    crop = image.crop((left + PAD, top + PAD, left + PAD + size, top + PAD + size)).resize((28, 28), Image.NEAREST)
    return pil_to_tensor(crop)[0].float() / 255


def test_the_picture_has_a_titled_block_per_dataset_with_its_rows_strips():
    result = two_datasets()
    with Image.open(io.BytesIO(report.picture(result))) as png:
        image = png.convert("L")
    strip = 28 * SCALE + PAD
    with_images = [[r for r in part.rows if len(r.images)] for part in report.sections(result)]
    assert image.height == sum(TITLE + strip * len(rows) + PAD for rows in with_images)
    left = image.width - STRIP * strip - PAD  # the strips end at the right edge (the titles are narrower)
    top = 0
    for rows in with_images:
        top += TITLE  # the block's title band
        for r in rows:
            assert (tile(image, left, top) - r.images[0, 0]).abs().max() <= 1 / 255, r.name
            top += strip
        top += PAD


def svgs(page: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring("<svg " + chart.split("</svg>")[0] + "</svg>") for chart in page.split("<svg ")[1:]]


def test_the_page_has_a_section_per_dataset_with_charts_of_its_own_rows():
    page = report.to_html(two_datasets())
    sections = page.split("<section>")[1:]
    assert len(sections) == 2 and page.count("</section>") == 2
    assert "https://" not in page and "<script" not in page
    for section, heading, own, other in zip(sections, HEADINGS, (DOTS, RINGS), (RINGS, DOTS)):
        assert f"<h2>{heading}</h2>" in section
        texts = [" ".join(chart.itertext()) for chart in svgs(section)]
        fid = next(text for text in texts if text.startswith("FID"))
        assert all(name in fid for name in own if "train" not in name and "paper" not in name)
        assert not any(name in text for name in other for text in texts)  # nothing of the other dataset
        assert section.count("<tr") == 1 + len(own)
        assert section.count('<img src="data:image/png;base64,') == 1 + sum(1 for n in own if "paper" not in n)
    dots, rings = ([chart.find(f"{SVG}title").text for chart in svgs(s)] for s in sections)
    assert [title.split()[0] for title in dots] == ["FID:", "Precision", "Test"]  # the NLLs only on dots
    assert [title.split()[0] for title in rings] == ["FID:", "Precision", "Label"]  # a conditional model only here
    assert "real dots test images" in dots[0] and "real rings test images" in rings[0]
    settings = page.split("<h2>Settings</h2>")[1]
    assert "<li>rings: <ul><li>reference: rings test split (200 images)</li>" in settings


def test_a_chart_of_two_datasets_is_refused():
    with pytest.raises(ValueError, match="one dataset's rows, not those of dots, rings"):
        charts.charts(two_datasets())
    assert len(charts.charts(two_datasets().of_dataset("dots"))) == 3


# --- recording: each card gets its own dataset's floor and settings -----------------------


def test_record_gives_each_model_its_own_datasets_floor_and_settings(builtin_catalog):
    from dataclasses import replace

    from zoo.release.record import record

    shutil.copyfile(CATALOG, builtin_catalog)  # it pins a model of each dataset
    zoo.core.registry.reset()
    result = two_datasets()
    renamed = {"gan-dots": "cgan-mnist", "cgan-rings": "dcgan-fashion-mnist"}
    result = BenchResult(result.settings, [replace(r, name=renamed.get(r.name, r.name)) for r in result.rows
                                           if r.name != "vae-dots"])
    cards = {}
    for name in renamed.values():
        cards[name] = builtin_catalog.parent / "hub" / read_catalog(builtin_catalog)[name].pins.repo / "README.md"
        cards[name].parent.mkdir(parents=True)
        cards[name].write_text(f"# {name}\n")

    outcomes = record(result)
    assert sorted((o.name, o.card is not None, o.problem) for o in outcomes) == [
        ("cgan-mnist", True, None), ("dcgan-fashion-mnist", True, None)]
    entries = read_catalog(builtin_catalog)
    assert entries["cgan-mnist"].bench["fid"] == 9.0 and entries["dcgan-fashion-mnist"].bench["fid"] == 25.0
    assert entries["dcgan-fashion-mnist"].bench["command"] == "zoo bench --all"
    mnist, fashion = (cards[name].read_text() for name in ("cgan-mnist", "dcgan-fashion-mnist"))
    assert "| dots train (floor) |" in mnist and "rings" not in mnist
    assert "against the dots test split (300 images), on features of dots-net" in mnist
    assert "| rings train (floor) |" in fashion and "dots" not in fashion
    assert "against the rings test split (200 images), on features of rings-net" in fashion
