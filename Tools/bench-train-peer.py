#!/usr/bin/env python3
"""PyTorch peer of `lacquer bench train` (issue 13 item 2), on the CPU.

The same step, in PyTorch: batch 65536; one 512x512x8 float32 latent texture,
bilinear fetch with wrap addressing (the gather's backward scatters the
gradient to the 4 taps); frame layer 8->12 without bias turned into two
learned shading frames and the 12 frame-space direction features (the same
Gram-Schmidt construction as Sources/NeuralMaterial/LearnedFrames.swift);
BRDF decoder (12+8)->32->32->3 with ReLU and exp(x - 3) output; log-L1 loss
(offset 0.01); sampler (8+3)->32->32->32->9 on detached latents and wi in the
first learned frame; backward through everything; Adam (betas 0.9/0.999,
eps 1e-7) on every parameter, latents included.

One difference, in the peer's favour: our sampler head turns its 9 outputs
into a GGX + cosine mixture and trains the mixture pdf with a KL loss
(per-row pdf and its analytic gradient); here the 9 outputs get a log-L1
regression against a fixed target, which costs less per row.

Usage (threads default to all cores):
    python3 Tools/bench-train-peer.py --mode both --steps 10 --json
Prints one JSON object per mode:
    {"peer": "pytorch-eager", "samples_per_second": ..., "threads": ..., ...}
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F


def build(batch, resolution, seed):
    g = torch.Generator().manual_seed(seed)
    C = 8
    latents = torch.nn.Parameter(0.1 * torch.randn(resolution, resolution, C, generator=g))
    frame = torch.nn.Linear(C, 12, bias=False)
    brdf = torch.nn.Sequential(torch.nn.Linear(12 + C, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                               torch.nn.Linear(32, 3))
    sampler = torch.nn.Sequential(torch.nn.Linear(C + 3, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                                  torch.nn.Linear(32, 32), torch.nn.ReLU(), torch.nn.Linear(32, 9))

    def hemisphere():
        v = torch.randn(batch, 3, generator=g)
        v[:, 2] = v[:, 2].abs() + 1e-3
        return F.normalize(v, dim=1)

    data = {
        "uv": torch.rand(batch, 2, generator=g),
        "wi": hemisphere(),
        "wo": hemisphere(),
        "target": 0.3 * torch.rand(batch, 3, generator=g),
        "sampler_target": torch.rand(batch, 9, generator=g),
    }
    params = [latents] + list(frame.parameters()) + list(brdf.parameters()) + list(sampler.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    return latents, frame, brdf, sampler, optimizer, data


def bilinear_wrap(latents, uv):
    """Bilinear fetch with wrap addressing; one embedding lookup of the 4 taps
    (its backward is an index_add, faster on the CPU than the index_put of
    advanced indexing)."""
    h, w, c = latents.shape
    x = uv[:, 0] * w - 0.5
    y = uv[:, 1] * h - 0.5
    x0f, y0f = torch.floor(x), torch.floor(y)
    fx, fy = x - x0f, y - y0f
    x0 = torch.remainder(x0f.long(), w)
    y0 = torch.remainder(y0f.long(), h)
    x1, y1 = torch.remainder(x0 + 1, w), torch.remainder(y0 + 1, h)
    index = torch.stack((y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1), dim=1)
    weight = torch.stack(((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy), dim=1)
    taps = F.embedding(index, latents.view(h * w, c))
    return (weight.unsqueeze(2) * taps).sum(1)


def frame_axes(raw, k):
    o = 6 * k
    vn = raw[:, o:o + 3] + torch.tensor([0.0, 0.0, 1.0])
    vt = raw[:, o + 3:o + 6] + torch.tensor([1.0, 0.0, 0.0])
    n = F.normalize(vn, dim=1)
    t = F.normalize(vt - (n * vt).sum(1, keepdim=True) * n, dim=1)
    b = torch.cross(n, t, dim=1)
    return t, b, n


def to_local(v, axes):
    t, b, n = axes
    return torch.stack(((v * t).sum(1), (v * b).sum(1), (v * n).sum(1)), dim=1)


def log_l1(y, t):
    return (torch.log(y.clamp_min(0) + 0.01) - torch.log(t.clamp_min(0) + 0.01)).abs().mean()


def make_loss(latents, frame, brdf, sampler, data):
    def loss_fn(uv, wi, wo, target, sampler_target):
        lat = bilinear_wrap(latents, uv)
        raw = frame(lat)
        frames = [frame_axes(raw, k) for k in (0, 1)]
        features = torch.cat([torch.cat((to_local(wi, f), to_local(wo, f)), dim=1) for f in frames], dim=1)
        y = torch.exp(brdf(torch.cat((features, lat), dim=1)) - 3.0)
        wi_local = to_local(wi, frame_axes(raw.detach(), 0))
        z = sampler(torch.cat((lat.detach(), wi_local), dim=1))
        return log_l1(y, target) + log_l1(torch.exp(z), sampler_target)
    return loss_fn


def measure(mode, args):
    torch.manual_seed(args.seed)
    latents, frame, brdf, sampler, optimizer, data = build(args.batch, args.resolution, args.seed)
    loss_fn = make_loss(latents, frame, brdf, sampler, data)
    if mode == "compile":
        loss_fn = torch.compile(loss_fn)
    inputs = (data["uv"], data["wi"], data["wo"], data["target"], data["sampler_target"])

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(*inputs)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(args.warmup):
        step()
    times, cpu_times = [], []
    for _ in range(args.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        cpu_times.append(time.process_time() - c0)
        times.append(time.perf_counter() - t0)
    times.sort()
    cpu_times.sort()
    median, cpu_median = times[len(times) // 2], cpu_times[len(cpu_times) // 2]
    return {"peer": f"pytorch-{mode}", "samples_per_second": args.batch / median, "threads": torch.get_num_threads(),
            "batch": args.batch, "median_step_seconds": median, "median_step_cpu_seconds": cpu_median,
            "samples_per_cpu_second": args.batch / max(cpu_median, 1e-9), "steps": len(times), "torch": torch.__version__}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["eager", "compile", "both"], default="both")
    parser.add_argument("--batch", type=int, default=65536)
    parser.add_argument("--resolution", type=int, default=512)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps (torch.compile compiles in the first)")
    parser.add_argument("--threads", type=int, default=0, help="0 = PyTorch's default (all cores)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.batch <= 0 or args.resolution <= 0 or args.steps <= 0 or args.warmup < 0:
        sys.exit("bench-train-peer: --batch, --resolution and --steps must be positive, --warmup non-negative")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    for mode in (["eager", "compile"] if args.mode == "both" else [args.mode]):
        result = measure(mode, args)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print(f"{result['peer']}: {result['samples_per_second'] / 1e6:.3f} M samples/s, "
                  f"{result['threads']} threads, step {result['median_step_seconds'] * 1000:.1f} ms "
                  f"({result['samples_per_cpu_second'] / 1e6:.3f} M samples per CPU-second)", flush=True)


if __name__ == "__main__":
    main()
