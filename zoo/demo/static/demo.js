"use strict";
// The zoo demo page: a gallery of every model, two drawing pads, a latent walk and a quiz.
// Everything goes through the JSON API of the server that served this page.

const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || response.statusText);
  return answer;
}

function fillLabels(select, classes, withAny) {
  const options = withAny ? [new Option("any", "")] : [];
  for (let c = 0; c < classes; c++) options.push(new Option(String(c), String(c)));
  select.replaceChildren(...options);
}

function labelOf(select) {
  return select.value === "" ? null : Number(select.value);
}

// Fills a panel's model list; a panel no installed model can use says so and stays still.
function offer(select, models, preferred) {
  select.replaceChildren(...models.map((m) => new Option(m.name, m.name)));
  if (models.some((m) => m.name === preferred)) select.value = preferred;
  if (models.length) return true;
  const panel = select.closest(".panel");
  panel.querySelector(".hint").textContent = "None of the installed models can do this.";
  panel.querySelectorAll("button, canvas, input, select").forEach((node) => { node.disabled = true; node.hidden = node.tagName === "CANVAS"; });
  return false;
}

// Answers that arrive after a newer request was sent are dropped, so a drawing never shows a stale output.
function latestOnly() {
  let sent = 0;
  return async (request) => {
    const ticket = ++sent;
    const answer = await request();
    if (ticket !== sent) throw new Error("superseded");
    return answer;
  };
}

// A black 28x28-scaled canvas to draw white strokes on; onChange gets 784 grey levels in [0, 1].
class Pad {
  constructor(canvas, width, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.width = width;
    this.onChange = onChange;
    this.drawing = false;
    this.pending = null;
    this.clear();
    canvas.addEventListener("pointerdown", (e) => this.start(e));
    canvas.addEventListener("pointermove", (e) => this.move(e));
    canvas.addEventListener("pointerup", (e) => this.stop(e));
    canvas.addEventListener("pointerleave", (e) => this.stop(e));
  }
  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * this.canvas.width / box.width,
            (event.clientY - box.top) * this.canvas.height / box.height];
  }
  start(event) {
    this.drawing = true;
    this.last = this.point(event);
    this.line(this.last, this.last);
  }
  move(event) {
    if (!this.drawing) return;
    const next = this.point(event);
    this.line(this.last, next);
    this.last = next;
    this.changed(false);
  }
  stop() {
    if (!this.drawing) return;
    this.drawing = false;
    this.changed(true);
  }
  line(from, to) {
    const ctx = this.ctx;
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = this.width;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.stroke();
  }
  clear() {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }
  // Shows 784 grey levels (row by row) on the pad, scaled up, and reports them.
  show(grey) {
    const small = document.createElement("canvas");
    small.width = small.height = 28;
    const ctx = small.getContext("2d");
    const image = ctx.createImageData(28, 28);
    grey.forEach((g, i) => { image.data.fill(Math.round(g * 255), 4 * i, 4 * i + 3); image.data[4 * i + 3] = 255; });
    ctx.putImageData(image, 0, 0);
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.changed(true);
  }
  // Sends at most one update per 150 ms while drawing, and always one when a stroke ends.
  changed(now) {
    clearTimeout(this.pending);
    if (now) this.onChange(this.pixels());
    else this.pending = setTimeout(() => this.onChange(this.pixels()), 150);
  }
  pixels() {
    const small = document.createElement("canvas");
    small.width = small.height = 28;
    const ctx = small.getContext("2d");
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(this.canvas, 0, 0, 28, 28);
    const rgba = ctx.getImageData(0, 0, 28, 28).data;
    const grey = [];
    for (let i = 0; i < rgba.length; i += 4) grey.push(Math.round(rgba[i] / 2.55) / 100);
    return grey;
  }
}

// Runs the gallery's sample requests one after another, so the interactive panels stay quick.
const queue = { jobs: [], busy: false };
function enqueue(job) {
  queue.jobs.push(job);
  if (!queue.busy) drain();
}
async function drain() {
  queue.busy = true;
  while (queue.jobs.length) await queue.jobs.shift()();
  queue.busy = false;
}

// Families whose sampling takes many network passes per image: their cards draw 4 images, not 16.
const SLOW = {
  autoregressive: "Draws pixel by pixel: slow on a CPU.",
  diffusion: "Denoises step by step: slow on a CPU.",
};

function card(model) {
  const node = $("card").content.firstElementChild.cloneNode(true);
  node.dataset.model = model.name;
  node.querySelector(".name").textContent = model.name;
  node.querySelector(".family").textContent = model.family;
  node.querySelector(".summary").textContent = model.summary;
  node.querySelector(".dataset").textContent = model.dataset || "no dataset";
  const paper = node.querySelector(".paper");
  if (model.paper.startsWith("https://")) paper.href = model.paper; else paper.remove();
  const note = node.querySelector(".note");
  const controls = node.querySelector(".controls");
  if (!model.can.sample) {
    note.textContent = model.family === "classifier" ? "A classifier: it judges samples and draws none."
      : "No pretrained weights installed.";
    controls.remove();
    node.querySelector(".grid").remove();
    return node;
  }
  const labels = node.querySelector(".label");
  if (model.can.classes) {
    node.querySelector(".label-box").hidden = false;
    fillLabels(labels, model.can.classes, true);
  }
  const slow = SLOW[model.family];
  if (slow) note.textContent = slow;
  const draw = async () => {
    node.classList.add("busy");
    try {
      const seed = Number(node.querySelector(".seed").value);
      const answer = await api("/api/sample", { model: model.name, n: slow ? 4 : 16, seed, label: labelOf(labels) });
      node.querySelector(".grid").src = answer.image;
      if (!slow) note.textContent = "";
    } catch (error) {
      note.textContent = error.message;
    }
    node.classList.remove("busy");
  };
  node.querySelector(".again").addEventListener("click", () => enqueue(draw));
  node.draw = draw;
  return node;
}

// A card samples when it first comes into view, so nobody waits for models they never look at.
function gallery(models) {
  const cards = models.map(card);
  $("cards").replaceChildren(...cards);
  const watcher = new IntersectionObserver((entries) => {
    for (const entry of entries.filter((e) => e.isIntersecting)) {
      watcher.unobserve(entry.target);
      enqueue(entry.target.draw);
    }
  }, { rootMargin: "200px" });
  cards.filter((c) => c.draw).forEach((c) => watcher.observe(c));
}

function padPanel(models) {
  const select = $("pad-model");
  if (!offer(select, models.filter((m) => m.can.translate), "pix2pix-mnist")) return;
  const latest = latestOnly();
  let last = null;
  const send = async (pixels) => {
    last = pixels;
    try {
      $("pad-out").src = (await latest(() => api("/api/translate", { model: select.value, pixels }))).image;
    } catch (error) {
      if (error.message === "superseded") return;
      $("pad-out").removeAttribute("src");
      $("pad-out").alt = error.message;
    }
  };
  const pad = new Pad($("pad"), 10, send);
  select.addEventListener("change", () => last && send(last));
  $("pad-clear").addEventListener("click", () => { pad.clear(); $("pad-out").removeAttribute("src"); last = null; });
  let examples = 0;
  $("pad-example").addEventListener("click", async () => {
    try {
      pad.show((await api("/api/example", { model: select.value, seed: examples++ })).pixels);
    } catch (error) {
      $("pad-out").alt = error.message;
    }
  });
}

function aePanel(models) {
  const usable = models.filter((m) => m.can.reconstruct);
  const select = $("ae-model");
  if (!offer(select, usable, "vae-mnist")) return;
  const latest = latestOnly();
  let last = null;
  const showLabels = () => {
    const model = usable.find((m) => m.name === select.value);
    $("ae-label-box").hidden = !(model && model.can.classes);
    if (model && model.can.classes) fillLabels($("ae-label"), model.can.classes, false);
  };
  const send = async (pixels) => {
    last = pixels;
    const model = usable.find((m) => m.name === select.value);
    const label = model && model.can.classes ? labelOf($("ae-label")) : null;
    try {
      $("ae-out").src = (await latest(() => api("/api/reconstruct", { model: select.value, pixels, label }))).image;
    } catch (error) {
      if (error.message === "superseded") return;
      $("ae-out").removeAttribute("src");
      $("ae-out").alt = error.message;
    }
  };
  const pad = new Pad($("ae-pad"), 16, send);
  showLabels();
  select.addEventListener("change", () => { showLabels(); if (last) send(last); });
  $("ae-label").addEventListener("change", () => last && send(last));
  $("ae-clear").addEventListener("click", () => { pad.clear(); $("ae-out").removeAttribute("src"); last = null; });
}

function walkPanel(models) {
  const usable = models.filter((m) => m.can.interpolate);
  const select = $("walk-model");
  if (!offer(select, usable, "vae-mnist")) return;
  const showLabels = () => {
    const model = usable.find((m) => m.name === select.value);
    $("walk-label-box").hidden = !(model && model.can.classes);
    if (model && model.can.classes) fillLabels($("walk-label"), model.can.classes, false);
  };
  const walk = async () => {
    const model = usable.find((m) => m.name === select.value);
    if (!model) return;
    const body = { model: model.name, seed_a: Number($("walk-a").value), seed_b: Number($("walk-b").value), steps: 8 };
    if (model.can.classes) body.label = labelOf($("walk-label"));
    try {
      const answer = await api("/api/interpolate", body);
      $("walk-out").src = answer.image;
      $("walk-note").textContent = answer.note;
    } catch (error) {
      $("walk-out").removeAttribute("src");
      $("walk-note").textContent = error.message;
    }
  };
  showLabels();
  select.addEventListener("change", () => { showLabels(); walk(); });
  $("walk-label").addEventListener("change", walk);
  $("walk-go").addEventListener("click", walk);
  walk();
}

function quizPanel(models) {
  const select = $("quiz-model");
  if (!offer(select, models.filter((m) => m.can.quiz), "dcgan-mnist")) return;
  const panel = $("quiz-panel");
  const message = $("quiz-message");
  const state = { session: null, round: null };
  const show = (score) => { $("quiz-score").textContent = `${score.right} / ${score.total}`; };
  const next = async () => {
    for (const side of ["left", "right"]) $(`quiz-${side}`).classList.remove("real", "picked");
    state.round = null;
    try {
      const answer = await api("/api/quiz/round", { model: select.value, session: state.session });
      if (!answer.available) {
        message.textContent = answer.message;
        message.className = "message";
        $("quiz-pair").hidden = true;
        return;
      }
      $("quiz-pair").hidden = false;
      Object.assign(state, { session: answer.session, round: answer.round });
      $("quiz-left").querySelector("img").src = answer.left;
      $("quiz-right").querySelector("img").src = answer.right;
      message.textContent = `A ${answer.dataset} test image, and a sample of ${answer.model}.`;
      message.className = "message";
      show(answer.score);
      panel.dataset.round = answer.round;
    } catch (error) {
      message.textContent = error.message;
    }
  };
  const pick = async (side) => {
    if (!state.round) return;
    const round = state.round;
    state.round = null;
    let answer;
    try {
      answer = await api("/api/quiz/answer", { session: state.session, round, pick: side });
    } catch (error) {
      message.textContent = error.message;
      setTimeout(next, 1200);
      return;
    }
    $(`quiz-${side}`).classList.add("picked");
    $(`quiz-${answer.real}`).classList.add("real");
    message.textContent = answer.correct ? "Right: that one is real." : "No: that one was generated.";
    message.className = answer.correct ? "message good" : "message bad";
    show(answer.score);
    setTimeout(next, 1200);
  };
  for (const side of ["left", "right"]) $(`quiz-${side}`).addEventListener("click", () => pick(side));
  select.addEventListener("change", next);
  next();
}

async function start() {
  const { models } = await api("/api/models");
  padPanel(models);
  aePanel(models);
  walkPanel(models);
  quizPanel(models);
  gallery(models);
  document.body.dataset.ready = "true";
}

start().catch((error) => { document.querySelector("header p").textContent = `The demo could not start: ${error.message}`; });
