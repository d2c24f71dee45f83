#!/usr/bin/env python3
"""Rebuild tiny-landscapes-32 from nothing: data, training, EMA, ONNX, checks, card figures.

    /usr/bin/python3 resources/models/tiny-landscapes-32/training/train.py \
        --out resources/models/tiny-landscapes-32

Run from the repository root. Needs PyTorch (1.13 on CPU is enough), numpy and
Pillow; Node with onnxruntime-node (the repo's node_modules) for the parity and
latency checks. Checkpoints and the cached data set go to --work (default
scratch/tiny-landscapes-32, git-ignored); rerunning the same command resumes
from the last checkpoint.

Stages: data -> train -> export (ONNX + parity fixture) -> figures -> checks.
`--stage export` redoes everything after training from the saved EMA weights.
"""

import argparse
import csv
import hashlib
import json
import math
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import time

import numpy as np

# The build machine is shared and oversubscribed; spinning OpenMP workers burn
# our (niced) time slice waiting at barriers, so let idle workers sleep.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
import torch.nn.functional as F
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import scenes  # noqa: E402
from unet import UNet, count_params  # noqa: E402

NAME = "tiny-landscapes-32"
SIZE = 32
ARCH = dict(ch=32, mults=(1, 2, 2), blocks=1, attn_mid=True)
TRAIN_TIMESTEPS = 1000
BETA_START, BETA_END = 1e-4, 0.02
# Training scenes use seeds [0, train_images); held-out scenes start far away.
HELDOUT_SEED0 = 10_000_000
HELDOUT_COUNT = 32
SAMPLE_SEEDS = list(range(64))


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def alphas_cumprod():
    betas = torch.linspace(BETA_START, BETA_END, TRAIN_TIMESTEPS, dtype=torch.float64)
    return torch.cumprod(1.0 - betas, dim=0)


# ---------------------------------------------------------------- data

def _render_chunk(seeds):
    return scenes.render_batch(seeds, SIZE)


def renderer_digest():
    with open(os.path.join(HERE, "scenes.py"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def build_dataset(work, count, workers):
    path = os.path.join(work, f"data-{count}-{renderer_digest()}.npy")
    if os.path.exists(path):
        log(f"data: cached {path}")
        return np.load(path)
    log(f"data: rendering {count} scenes with {workers} processes")
    t0 = time.time()
    chunks = [list(range(i, min(i + 500, count))) for i in range(0, count, 500)]
    with multiprocessing.Pool(workers) as pool:
        data = np.concatenate(pool.map(_render_chunk, chunks))
    np.save(path + ".tmp.npy", data)
    os.replace(path + ".tmp.npy", path)
    log(f"data: {data.shape} in {time.time() - t0:.0f}s")
    return data


def to_tensor(u8_nhwc):
    return torch.from_numpy(u8_nhwc).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def to_u8(x_nchw):
    return ((x_nchw.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


# ---------------------------------------------------------------- training

def lr_at(step, steps, peak, warmup):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


def save_atomic(obj, path):
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def train(args, data):
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    model = UNet(**ARCH)
    ema = UNet(**ARCH)
    ema.load_state_dict(model.state_dict())
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    gen = torch.Generator().manual_seed(args.seed)
    state = {"step": 0, "elapsed_s": 0.0, "losses": []}
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        gen.set_state(ck["gen"])
        state = ck["state"]
        log(f"train: resumed at step {state['step']}")
    stop = min(args.steps, args.stop_at or args.steps)
    if state["step"] >= stop:
        return ema, state

    # channels_last is ~30% faster for these small convs on oneDNN (measured).
    model = model.to(memory_format=torch.channels_last)
    model.train()
    ab = alphas_cumprod().float()
    x_all = to_tensor(data)
    n = x_all.shape[0]
    log(f"train: {count_params(model)} params, {n} scenes, steps {state['step']}->{stop} "
        f"(schedule {args.steps}), batch {args.batch}")
    deadline = time.time() + args.max_train_minutes * 60 if args.max_train_minutes else None

    window, last_ckpt, t_start = [], time.time(), time.time() - state["elapsed_s"]
    for step in range(state["step"], stop):
        idx = torch.randint(0, n, (args.batch,), generator=gen)
        x0 = x_all[idx]
        flip = torch.rand(args.batch, generator=gen) < 0.5
        x0 = torch.where(flip[:, None, None, None], x0.flip(3), x0)
        t = torch.randint(0, TRAIN_TIMESTEPS, (args.batch,), generator=gen)
        noise = torch.randn(x0.shape, generator=gen)
        a = ab[t][:, None, None, None]
        xt = (a.sqrt() * x0 + (1 - a).sqrt() * noise).contiguous(memory_format=torch.channels_last)

        for group in opt.param_groups:
            group["lr"] = lr_at(step, args.steps, args.lr, args.warmup)
        loss = F.mse_loss(model(xt, t.float()), noise)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

        # EMA with a warm-up so the average is not dominated by the random init.
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)

        window.append(loss.item())
        done = step + 1
        out_of_time = deadline is not None and time.time() > deadline and done % args.log_every == 0
        if done % args.log_every == 0 or done == stop:
            state["losses"].append({
                "step": done,
                "loss": float(np.mean(window)),
                "lr": group["lr"],
                "elapsed_s": round(time.time() - t_start, 1),
            })
            window = []
            if done % (args.log_every * 8) == 0:
                rec = state["losses"][-1]
                rate = (time.time() - t_start) / done if state["step"] == 0 else None
                log(f"step {done}/{args.steps} loss {rec['loss']:.4f} lr {rec['lr']:.2e} "
                    f"elapsed {rec['elapsed_s']:.0f}s" + (f" ({rate:.2f}s/step)" if rate else ""))
        if time.time() - last_ckpt > args.ckpt_every_s or done == stop or out_of_time:
            state["step"] = done
            state["elapsed_s"] = time.time() - t_start
            save_atomic({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                         "gen": gen.get_state(), "state": state, "arch": ARCH}, ckpt_path)
            last_ckpt = time.time()
        if out_of_time:
            # The LR schedule still spans --steps; rebuild this exact model with --stop-at <step>.
            state["stoppedEarlyAt"] = done
            log(f"train: wall-clock budget spent, stopping at step {done} (reproduce with --stop-at {done})")
            break
    log(f"train: done in {state['elapsed_s']:.0f}s")
    return ema, state


# ---------------------------------------------------------------- sampling

# Recommended sampler (written into model.json). Plain DDIM (eta = 0 throughout)
# leaves strong colour noise in roughly a third of this small model's samples:
# the deterministic ODE carries its epsilon errors to the end. Making only the
# low-noise steps stochastic (eta = 1 below t = 300) removes it, while the
# high-noise steps, which decide what the scene is, stay deterministic, so the
# initial noise x_T still decides the picture. The injected noise is frozen:
# drawn from one fixed seed and shared by every image in a run, so the image
# stays a deterministic function of x_T, which is what noise search needs.
LATE_ETA = 1.0
LATE_ETA_BELOW = 300
FROZEN_NOISE_SEED = 0


@torch.no_grad()
def ddim(model, noise, steps, clip=True, late_eta=LATE_ETA, late_below=LATE_ETA_BELOW, noise_seed=FROZEN_NOISE_SEED):
    """DDIM with 'trailing' spacing (999, 949, ... for 20 steps) so the first call
    sees pure noise; x0 clipped to [-1, 1]; eta = late_eta for t < late_below."""
    ab = alphas_cumprod()
    ts = [int(round(TRAIN_TIMESTEPS - 1 - i * TRAIN_TIMESTEPS / steps)) for i in range(steps)]
    frozen = torch.Generator().manual_seed(noise_seed)
    x = noise.double()
    for i, t in enumerate(ts):
        a = ab[t]
        a_prev = ab[ts[i + 1]] if i + 1 < steps else torch.tensor(1.0, dtype=torch.float64)
        eps = model(x.float(), torch.full((x.shape[0],), float(t))).double()
        x0 = (x - (1 - a).sqrt() * eps) / a.sqrt()
        if clip:
            x0 = x0.clamp(-1, 1)
            eps = (x - a.sqrt() * x0) / (1 - a).sqrt()
        eta = late_eta if t < late_below else 0.0
        sigma = eta * ((1 - a_prev) / (1 - a) * (1 - a / a_prev)).sqrt()
        z = torch.randn((1,) + tuple(x.shape[1:]), generator=frozen, dtype=torch.float64) if eta > 0 else 0.0
        x = a_prev.sqrt() * x0 + (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() * eps + sigma * z
    return x.float()


def seeded_noise(seeds):
    return torch.cat([torch.randn(1, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(s)) for s in seeds])


def grid(u8_nhwc, cols, scale=3, gutter=2, background=(24, 24, 24)):
    n = len(u8_nhwc)
    rows = (n + cols - 1) // cols
    cell = SIZE * scale
    img = Image.new("RGB", (cols * cell + (cols + 1) * gutter, rows * cell + (rows + 1) * gutter), background)
    for i, a in enumerate(u8_nhwc):
        tile = Image.fromarray(a).resize((cell, cell), Image.NEAREST)
        img.paste(tile, (gutter + (i % cols) * (cell + gutter), gutter + (i // cols) * (cell + gutter)))
    return img


def image_stats(u8_nhwc):
    x = u8_nhwc.astype(np.float32) / 255.0
    mx, mn = x.max(-1), x.min(-1)
    sat = np.where(mx > 0, (mx - mn) / np.maximum(mx, 1e-6), 0)
    luma = x @ np.float32([0.299, 0.587, 0.114])
    return {
        "meanBrightness": round(float(luma.mean()), 4),
        "stdBrightnessAcrossImages": round(float(luma.mean(axis=(1, 2)).std()), 4),
        "meanSaturation": round(float(sat.mean()), 4),
        "stdSaturationAcrossImages": round(float(sat.mean(axis=(1, 2)).std()), 4),
        "meanPixelStd": round(float(x.reshape(len(x), -1, 3).std(axis=1).mean()), 4),
    }


def loss_plot(losses, path, batch):
    """Loss on a log axis (it falls from ~1 to a few hundredths), drawn with PIL
    because the build machine has no matplotlib."""
    w, h, pad = 640, 360, 56
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    steps = np.array([r["step"] for r in losses], dtype=np.float64)
    vals = np.log10(np.array([r["loss"] for r in losses], dtype=np.float64))
    lo, hi = math.floor(vals.min() * 5) / 5, math.ceil(vals.max() * 5) / 5
    hi = max(hi, lo + 0.2)
    x = lambda s: pad + (w - 2 * pad) * s / max(steps.max(), 1)
    y = lambda v: h - pad - (h - 2 * pad) * (v - lo) / (hi - lo)
    d.rectangle([pad, pad, w - pad, h - pad], outline=(160, 160, 160))
    for decade in range(math.floor(lo) - 1, math.ceil(hi) + 1):
        for m in (1, 2, 5):
            v = decade + math.log10(m)
            if lo <= v <= hi:
                d.line([pad, y(v), w - pad, y(v)], fill=(225, 225, 225))
                d.text((6, y(v) - 6), f"{10 ** v:g}", fill=(80, 80, 80))
    for k in range(5):
        s = steps.max() * k / 4
        d.text((x(s) - 10, h - pad + 6), f"{int(s)}", fill=(80, 80, 80))
    d.text((w // 2 - 80, h - pad + 24), f"training step (batch {batch})", fill=(40, 40, 40))
    d.text((pad, 18), f"{NAME}: epsilon MSE (log scale), mean per {int(steps[0])} steps", fill=(40, 40, 40))
    pts = [(x(s), y(v)) for s, v in zip(steps, vals)]
    if len(pts) > 1:
        d.line(pts, fill=(30, 90, 200), width=2)
    img.save(path, optimize=True)


# ---------------------------------------------------------------- export & checks

def nearest_rms(images_u8, train_u8):
    """Per image: RMS pixel distance (0..1 units) to its nearest training scene."""
    a = images_u8.reshape(len(images_u8), -1).astype(np.float32) / 255.0
    b = train_u8.reshape(len(train_u8), -1).astype(np.float32) / 255.0
    best = np.full(len(a), np.inf, dtype=np.float32)
    for i in range(0, len(b), 4096):
        chunk = b[i:i + 4096]
        d2 = (a ** 2).sum(1)[:, None] - 2 * a @ chunk.T + (chunk ** 2).sum(1)[None, :]
        best = np.minimum(best, d2.min(1))
    return np.sqrt(np.maximum(best, 0) / a.shape[1])


def high_freq(u8_nhwc):
    """Per image: mean |Laplacian| of luma (0..1 units); scenes are smooth, leftover noise is not."""
    luma = u8_nhwc.astype(np.float32) @ np.float32([0.299, 0.587, 0.114]) / 255.0
    lap = 4 * luma[:, 1:-1, 1:-1] - luma[:, :-2, 1:-1] - luma[:, 2:, 1:-1] - luma[:, 1:-1, :-2] - luma[:, 1:-1, 2:]
    return np.abs(lap).mean(axis=(1, 2))


def export(args, ema, state, data):
    out, tdir = args.out, os.path.join(args.out, "training")
    os.makedirs(os.path.join(out, "heldout"), exist_ok=True)
    model = UNet(**ARCH)
    model.load_state_dict(ema.state_dict())
    model = model.to(memory_format=torch.contiguous_format).eval()

    onnx_path = os.path.join(out, "denoiser.onnx")
    dummy = (torch.zeros(1, 3, SIZE, SIZE), torch.tensor([500.0]))
    torch.onnx.export(
        model, dummy, onnx_path, opset_version=17, do_constant_folding=True,
        input_names=["sample", "timestep"], output_names=["noise_pred"],
        dynamic_axes={"sample": {0: "batch"}, "timestep": {0: "batch"}, "noise_pred": {0: "batch"}},
    )
    log(f"export: {onnx_path} {os.path.getsize(onnx_path)} bytes")

    # Parity fixture: fixed inputs and PyTorch's outputs; parity.mjs replays them in onnxruntime.
    g = torch.Generator().manual_seed(20240)
    sample = torch.randn(3, 3, SIZE, SIZE, generator=g)
    timestep = torch.tensor([999.0, 500.0, 37.0])
    with torch.no_grad():
        ref = model(sample, timestep)
    with open(os.path.join(tdir, "parity.bin"), "wb") as f:
        for arr in (sample, timestep, ref):
            f.write(arr.numpy().astype("<f4").tobytes())
    with open(os.path.join(tdir, "parity.json"), "w") as f:
        json.dump({"file": "parity.bin", "dtype": "float32-le", "tolerance": 1e-4,
                   "tensors": [{"name": "sample", "shape": list(sample.shape)},
                               {"name": "timestep", "shape": list(timestep.shape)},
                               {"name": "noise_pred", "shape": list(ref.shape)}]}, f, indent=2)

    model_json = {
        "schema": "edgetune/diffusion-model@1",
        "name": NAME,
        "onnx": "denoiser.onnx",
        "imageSize": SIZE,
        "channels": 3,
        "prediction": "epsilon",
        "valueRange": [-1, 1],
        "scheduler": {
            "trainTimesteps": TRAIN_TIMESTEPS,
            "betaSchedule": "linear",
            "betaStart": BETA_START,
            "betaEnd": BETA_END,
            "defaultSteps": 20,
            "defaultSampler": "ddim",
            # Extra hints (readers ignore unknown fields): how samples.png was made.
            "timestepSpacing": "trailing",
            "clipSample": True,
            # Plain DDIM (eta 0 everywhere) works but leaves colour noise in about a
            # third of samples; eta 1 on the steps below t=300, with noise drawn once
            # per run from a fixed seed and shared by all images, removes it and keeps
            # the image a deterministic function of the initial noise. See README.md.
            "eta": 0,
            "lateEta": {"eta": LATE_ETA, "belowTimestep": LATE_ETA_BELOW, "noise": "frozen-per-run"},
        },
        "license": "Same terms as EdgeTune itself; trained only on scenes drawn by training/scenes.py",
    }
    with open(os.path.join(out, "model.json"), "w") as f:
        json.dump(model_json, f, indent=2)
        f.write("\n")

    # Figures: sample grid (20 DDIM steps, seeds 0..63), steps comparison, loss curve.
    t0 = time.time()
    samples = to_u8(ddim(model, seeded_noise(SAMPLE_SEEDS), 20))
    plain = to_u8(ddim(model, seeded_noise(SAMPLE_SEEDS), 20, late_eta=0.0))
    grid(plain, 8).save(os.path.join(out, "samples-plain-ddim.png"), optimize=True)
    log(f"figures: 64 samples in {time.time() - t0:.1f}s (PyTorch)")
    grid(samples, 8).save(os.path.join(out, "samples.png"), optimize=True)
    rows = [plain[:8]]
    for steps in (5, 10, 20, 50):
        rows.append(to_u8(ddim(model, seeded_noise(SAMPLE_SEEDS[:8]), steps)))
    grid(np.concatenate(rows), 8).save(os.path.join(out, "samples-by-steps.png"), optimize=True)
    loss_plot(state["losses"], os.path.join(out, "loss.png"), args.batch)
    with open(os.path.join(tdir, "loss.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "loss", "lr", "elapsed_s"])
        for r in state["losses"]:
            w.writerow([r["step"], f"{r['loss']:.6f}", f"{r['lr']:.3e}", r["elapsed_s"]])

    # Held-out scenes (seeds never used in training) for quality tests: raw bytes, no decoder needed.
    seeds = list(range(HELDOUT_SEED0, HELDOUT_SEED0 + HELDOUT_COUNT))
    held = scenes.render_batch(seeds, SIZE)
    with open(os.path.join(out, "heldout", "scenes-u8-nhwc.bin"), "wb") as f:
        f.write(held.tobytes())
    with open(os.path.join(out, "heldout", "index.json"), "w") as f:
        json.dump({"file": "scenes-u8-nhwc.bin", "dtype": "uint8", "layout": "NHWC", "shape": list(held.shape),
                   "colour": "sRGB 0..255", "seeds": seeds,
                   "renderer": "training/scenes.py render(seed)"}, f, indent=2)
    grid(held, 8).save(os.path.join(out, "heldout", "scenes.png"), optimize=True)
    preview = scenes.render_batch(range(64), SIZE)
    grid(preview, 8, scale=2).save(os.path.join(tdir, "data-preview.png"), optimize=True)

    many = np.concatenate([samples, to_u8(ddim(model, seeded_noise(range(1000, 1064)), 20))])
    many_plain = np.concatenate([plain, to_u8(ddim(model, seeded_noise(range(1000, 1064)), 20, late_eta=0.0))])
    hf_limit = np.percentile(high_freq(scenes.render_batch(range(HELDOUT_SEED0 + 100, HELDOUT_SEED0 + 228), SIZE)), 99)
    fresh = scenes.render_batch(range(HELDOUT_SEED0 + 100, HELDOUT_SEED0 + 228), SIZE)
    # Samples much closer to a training scene than fresh scenes are would mean
    # memorisation; much farther means the model has not learnt the scenes.
    return {"samplesStats": image_stats(many), "heldoutStats": image_stats(fresh),
            # Share of samples noisier than the noisiest 1% of real scenes.
            "noisySampleFraction": round(float((high_freq(many) > hf_limit).mean()), 4),
            "noisySampleFractionPlainDdim": round(float((high_freq(many_plain) > hf_limit).mean()), 4),
            "nearestTrainRms": {"samplesMedian": round(float(np.median(nearest_rms(many, data))), 4),
                                "heldoutMedian": round(float(np.median(nearest_rms(fresh, data))), 4)}}


def node_check(script, *extra):
    node = shutil.which("node")
    if not node:
        return {"skipped": "node not found"}
    proc = subprocess.run([node, os.path.join(HERE, script), *extra], capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"{script} failed: {proc.stdout}{proc.stderr}")
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (proc.stdout + proc.stderr)[-2000:]}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(HERE, ".."))
    p.add_argument("--work", default=os.path.join("scratch", NAME))
    p.add_argument("--stage", choices=["all", "data", "train", "export"], default="all")
    p.add_argument("--train-images", type=int, default=20000)
    p.add_argument("--steps", type=int, default=5000, help="length of the LR schedule")
    p.add_argument("--stop-at", type=int, default=0, help="stop training at this step (schedule unchanged)")
    p.add_argument("--max-train-minutes", type=float, default=0, help="stop early after this much training time")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--ckpt-every-s", type=float, default=180)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(os.path.join(args.out, "training"), exist_ok=True)

    data = build_dataset(args.work, args.train_images, args.threads)
    if args.stage == "data":
        return
    ema, state = train(args, data)
    if args.stage == "train":
        return

    stats = export(args, ema, state, data)
    parity = node_check("parity.mjs", args.out)
    log(f"parity: {parity}")
    # Under `nice` and a busy machine this figure is pessimistic; rerun latency.mjs
    # on a quiet machine (its JSON carries the load average it saw).
    latency = node_check("latency.mjs", args.out, "--threads", "2", "--steps", "20")
    log(f"latency: {latency}")
    with open(os.path.join(args.out, "training", "latency.json"), "w") as f:
        json.dump(latency, f, indent=2)
        f.write("\n")
    report = {
        "name": NAME,
        "arch": {k: list(v) if isinstance(v, tuple) else v for k, v in ARCH.items()},
        "params": count_params(ema),
        "trainImages": args.train_images, "trainSeeds": [0, args.train_images],
        "steps": state["step"], "scheduleSteps": args.steps, "batch": args.batch, "lr": args.lr, "warmup": args.warmup, "ema": args.ema,
        "seed": args.seed, "trainWallS": round(state["elapsed_s"]),
        "finalLoss": state["losses"][-1]["loss"] if state["losses"] else None,
        "finalLossMeanLast500": float(np.mean([r["loss"] for r in state["losses"] if r["step"] > state["step"] - 500]))
        if state["losses"] else None,
        "onnxBytes": os.path.getsize(os.path.join(args.out, "denoiser.onnx")),
        "parity": parity, "latency": latency, **stats,
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "torch": torch.__version__, "python": platform.python_version(), "threads": args.threads},
    }
    with open(os.path.join(args.out, "training", "report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    log("done")


if __name__ == "__main__":
    main()
