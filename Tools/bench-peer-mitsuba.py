#!/usr/bin/env python3
"""Lacquer against Mitsuba 3 on the same scene and the same CPU (issue 11).

Run through Tools/bench-peer-mitsuba, which prepares the virtual environment
(mitsuba, drjit, numpy), libllvm19 and Lacquer's release build, then calls:
    bench-peer-mitsuba.py --lacquer BIN --scene SCENE.json [--rounds 3] [--spp N] [--device D] [--json]

The Mitsuba scene is translated from the Lacquer scene file, so both render
one description. Settings that mean the same thing:
  - Lacquer `film.max_depth` counts surface interactions; Mitsuba's
    `max_depth` counts path segments (1 = only emitters seen directly), so
    Mitsuba max_depth = ours + 1.
  - Lacquer's Russian roulette runs after the vertex at 0-based depth d when
    d + 1 >= rouletteDepth (3, RenderSettings); Mitsuba's when its depth,
    already counted up for that vertex, is >= rr_depth: so rr_depth = 3.
    Both survive with probability min(0.95, max throughput).
  - Both: next-event estimation of the environment combined with BSDF
    sampling by the power heuristic; box pixel filter; independent samples.

Timing. Each renderer runs in a fresh process per measurement, after one
untimed warm-up run each, so lavapipe's pipeline JIT (Mesa's on-disk shader
cache) and Dr.Jit's kernel compile (its on-disk kernel cache) are warm, as
they are for a user's second render. Reported per run:
  - render: the renderer's own render time (Lacquer's "render" line, which
    excludes BVH build and shader compile but includes the first dispatch;
    Mitsuba: mi.render plus evaluating the image, scene loading excluded);
  - process: wall time of the whole process (start-up, scene load, BVH,
    render, EXR write);
  - CPU: user + system time of that process, all threads (steadier than
    wall time when other jobs share the cores; counts spinning threads).
Rounds alternate the renderers so background load hits them alike. The
headline ratio is mitsuba_time / lacquer_time of the median render times
(speed relative to Mitsuba; issue 11 asks for >= 0.4).
"""
import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time

OUT_DIR = os.path.join("out", "peers")
SUPPORTED_TOP = {"description", "camera", "film", "environment", "materials", "objects"}


class SceneTranslationError(Exception):
    pass


def colour(value, field):
    if isinstance(value, (int, float)):
        return [float(value)] * 3
    if isinstance(value, list) and len(value) == 3:
        return [float(v) for v in value]
    raise SceneTranslationError(f"{field}: expected a number or [r, g, b]")


def mitsuba_scene_dict(scene, spp, rr_depth):
    """The Mitsuba 3 scene dict for the subset of the Lacquer format this
    comparison uses; anything else is refused (naming the field) rather than
    translated approximately."""
    import mitsuba as mi

    unknown = set(scene) - SUPPORTED_TOP
    if unknown:
        raise SceneTranslationError(f"{sorted(unknown)[0]}: not part of the scene format")
    cam = scene["camera"]
    if cam.get("aperture", 0) not in (0, None):
        raise SceneTranslationError("camera.aperture: thin lens not translated; use a pinhole (0)")
    film = {"width": 512, "height": 512, "spp": 64, "max_depth": 6, "seed": 0}
    film.update({k: v for k, v in scene.get("film", {}).items() if v is not None})
    env = scene.get("environment", {"type": "constant", "radiance": [1, 1, 1]})
    if env.get("type") != "constant":
        raise SceneTranslationError("environment.type: only \"constant\" is translated")

    d = {
        "type": "scene",
        "integrator": {"type": "path", "max_depth": int(film["max_depth"]) + 1, "rr_depth": rr_depth,
                       "hide_emitters": False},
        "sensor": {
            "type": "perspective",
            "fov": float(cam.get("fov", 40)),
            "fov_axis": "y",
            "to_world": mi.ScalarTransform4f().look_at(origin=cam["position"], target=cam["target"],
                                                       up=cam.get("up", [0, 1, 0])),
            "film": {"type": "hdrfilm", "width": int(film["width"]), "height": int(film["height"]),
                     "pixel_format": "rgb", "component_format": "float32", "rfilter": {"type": "box"}},
            "sampler": {"type": "independent", "sample_count": spp, "seed": int(film["seed"])},
        },
        "environment": {"type": "constant",
                        "radiance": {"type": "rgb", "value": colour(env.get("radiance", 1), "environment.radiance")}},
    }
    bsdfs = {}
    for name, m in scene.get("materials", {}).items():
        if m.get("type") != "diffuse":
            raise SceneTranslationError(f"materials.{name}.type: only \"diffuse\" is translated")
        bsdfs[name] = {"type": "diffuse",
                       "reflectance": {"type": "rgb", "value": colour(m.get("albedo", 0.8), f"materials.{name}.albedo")}}
    for i, o in enumerate(scene.get("objects", [])):
        field = f"objects[{i}]"
        if "transform" in o:
            raise SceneTranslationError(f"{field}.transform: not translated")
        if o.get("material") not in bsdfs:
            raise SceneTranslationError(f"{field}.material: unknown material {o.get('material')!r}; known: {', '.join(bsdfs)}")
        bsdf = bsdfs[o["material"]]
        if o["shape"] == "sphere":
            shape = {"type": "sphere", "center": [float(v) for v in o.get("center", [0, 0, 0])],
                     "radius": float(o.get("radius", 1))}
        elif o["shape"] == "plane":
            w, depth = o.get("size", [1, 1])
            # Mitsuba's rectangle spans [-1, 1]² in xy facing +z; ours spans the
            # size in xz facing +y: scale, then turn +z onto +y.
            shape = {"type": "rectangle",
                     "to_world": mi.ScalarTransform4f().rotate([1, 0, 0], -90).scale([w / 2, depth / 2, 1])}
        else:
            raise SceneTranslationError(f"{field}.shape: only sphere and plane are translated")
        shape["bsdf"] = bsdf
        d[o.get("name", f"{o['shape']}{i}")] = shape
    return d


def set_variant(preferred):
    """Selects `preferred`, or scalar_rgb with a note when it cannot load
    (the llvm variants need libLLVM at run time)."""
    import mitsuba as mi
    import drjit as dr
    try:
        mi.set_variant(preferred)
        dr.eval(mi.Float(1) + 1)  # a JIT backend only fails on first use
        return preferred, None
    except Exception as e:  # ImportError or a Dr.Jit backend error
        mi.set_variant("scalar_rgb")
        return "scalar_rgb", f"{preferred} could not load ({str(e).splitlines()[0] if str(e) else type(e).__name__}); used scalar_rgb"


def mitsuba_worker(args):
    """One Mitsuba render in this process; prints one JSON line."""
    import drjit as dr
    import mitsuba as mi
    variant, note = set_variant(args.variant)
    with open(args.scene) as f:
        scene_json = json.load(f)
    scene = mi.load_dict(mitsuba_scene_dict(scene_json, args.spp, args.rr_depth))
    start = time.perf_counter()
    image = mi.render(scene, spp=args.spp)
    dr.eval(image)
    dr.sync_thread()
    render_seconds = time.perf_counter() - start
    mi.util.write_bitmap(args.output, image)
    print(json.dumps({"variant": variant, "note": note, "render_seconds": render_seconds,
                      "threads": dr.thread_count() if hasattr(dr, "thread_count") else None}))


def read_rgb(path):
    """An EXR as a linear float64 RGB array (read with Mitsuba's Bitmap,
    converted whatever the file's channels)."""
    import mitsuba as mi
    import numpy as np
    if not mi.variant():
        mi.set_variant("scalar_rgb")
    rgb = mi.Bitmap(path).convert(mi.Bitmap.PixelFormat.RGB, mi.Struct.Type.Float32, srgb_gamma=False)
    return np.array(rgb, dtype=np.float64)


def block_difference(a, b, block=16):
    """Mean |a − b| of block averages over the mean of b: a check that the
    images agree in layout, not only in mean (a flipped camera keeps the mean).
    Blocks of 16×16 pixels average away most of the Monte Carlo noise."""
    h, w = (a.shape[0] // block) * block, (a.shape[1] // block) * block
    def blocks(x):
        return x[:h, :w].reshape(h // block, block, w // block, block, -1).mean(axis=(1, 3))
    return float(abs(blocks(a) - blocks(b)).mean() / b.mean())


def timed_run(command):
    """Runs `command`; returns its result, wall seconds and CPU seconds
    (user + system of the child and its threads). On a shared machine the
    CPU time is the steadier measure: the wall time also counts the time the
    other users' jobs held the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return r, wall, cpu


LACQUER_RENDER_TIME = re.compile(r"render (\d+(?:\.\d+)?) (ms|s) \(first dispatch")


def run_lacquer(args, integrator, output):
    command = [args.lacquer, "render", args.scene, "-o", output, "--spp", str(args.spp),
               "--integrator", integrator, "--float"] + (["--device", args.device] if args.device else [])
    r, wall, cpu = timed_run(command)
    if r.returncode != 0:
        sys.exit(f"bench-peer-mitsuba: lacquer --integrator {integrator} failed:\n{r.stdout}{r.stderr}")
    m = LACQUER_RENDER_TIME.search(r.stdout)
    if not m:
        sys.exit(f"bench-peer-mitsuba: no 'render … (first dispatch' line in lacquer's output:\n{r.stdout}")
    render = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    device = re.search(r"^device: (.*)$", r.stdout, re.M)
    return {"process_seconds": wall, "process_cpu_seconds": cpu, "render_seconds": render,
            "device": device.group(1) if device else None}


def run_mitsuba(args, output):
    command = [sys.executable, os.path.abspath(__file__), "--mitsuba-worker", "--scene", args.scene,
               "--output", output, "--spp", str(args.spp), "--variant", args.variant,
               "--rr-depth", str(args.rr_depth)]
    r, wall, cpu = timed_run(command)
    if r.returncode != 0:
        sys.exit(f"bench-peer-mitsuba: the Mitsuba render failed:\n{r.stdout}{r.stderr}")
    result = json.loads(r.stdout.strip().splitlines()[-1])
    result["process_seconds"] = wall
    result["process_cpu_seconds"] = cpu
    return result


def cpu_description():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical cores"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lacquer", help="the lacquer executable (release build)")
    p.add_argument("--scene", required=True, help="Lacquer scene file (translated for Mitsuba)")
    p.add_argument("--rounds", type=int, default=3, help="timed runs of each renderer (alternating)")
    p.add_argument("--spp", type=int, help="samples per pixel (default: the scene's film.spp)")
    p.add_argument("--device", help="Lacquer's Vulkan device (index or name); the comparison means 'same CPU' on lavapipe")
    p.add_argument("--variant", default="llvm_ad_rgb", help="Mitsuba variant (falls back to scalar_rgb)")
    p.add_argument("--rr-depth", type=int, default=3, help="roulette depth (Lacquer's RenderSettings.rouletteDepth)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.add_argument("--mitsuba-worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--output", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.spp is None:
        with open(args.scene) as f:
            args.spp = int((json.load(f).get("film") or {}).get("spp") or 64)
    if args.mitsuba_worker:
        return mitsuba_worker(args)
    if not args.lacquer or args.rounds < 1:
        sys.exit("bench-peer-mitsuba: needs --lacquer BIN and --rounds >= 1 (run it through Tools/bench-peer-mitsuba)")

    os.makedirs(OUT_DIR, exist_ok=True)
    contenders = {
        "lacquer-megakernel": lambda out: run_lacquer(args, "megakernel", out),
        "lacquer-wavefront": lambda out: run_lacquer(args, "wavefront", out),
        "mitsuba": lambda out: run_mitsuba(args, out),
    }
    outputs = {name: os.path.join(OUT_DIR, f"{name}.exr") for name in contenders}
    runs = {name: [] for name in contenders}
    for name, render in contenders.items():  # untimed warm-up: fills the on-disk JIT caches
        print(f"warm-up {name}", file=sys.stderr)
        warm = render(outputs[name])
        if name == "mitsuba" and warm.get("note"):
            print(f"note: {warm['note']}", file=sys.stderr)
    for round_index in range(args.rounds):
        for name, render in contenders.items():
            runs[name].append(render(outputs[name]))
            print(f"round {round_index + 1} {name}: render {runs[name][-1]['render_seconds']:.2f} s, "
                  f"process {runs[name][-1]['process_seconds']:.2f} s, CPU {runs[name][-1]['process_cpu_seconds']:.2f} s",
                  file=sys.stderr)

    summary = {}
    for name in contenders:
        summary[name] = {
            "render_seconds": [r["render_seconds"] for r in runs[name]],
            "process_seconds": [r["process_seconds"] for r in runs[name]],
            "median_render_seconds": statistics.median(r["render_seconds"] for r in runs[name]),
            "process_cpu_seconds": [r["process_cpu_seconds"] for r in runs[name]],
            "median_process_seconds": statistics.median(r["process_seconds"] for r in runs[name]),
            "median_process_cpu_seconds": statistics.median(r["process_cpu_seconds"] for r in runs[name]),
        }
    images = {name: read_rgb(outputs[name]) for name in contenders}
    for name in contenders:
        summary[name]["image_mean"] = float(images[name].mean())
    mitsuba = summary["mitsuba"]
    for name in ("lacquer-megakernel", "lacquer-wavefront"):
        s = summary[name]
        s["speed_vs_mitsuba_render"] = mitsuba["median_render_seconds"] / s["median_render_seconds"]
        s["speed_vs_mitsuba_process"] = mitsuba["median_process_seconds"] / s["median_process_seconds"]
        s["speed_vs_mitsuba_process_cpu"] = mitsuba["median_process_cpu_seconds"] / s["median_process_cpu_seconds"]
        s["mean_vs_mitsuba"] = s["image_mean"] / mitsuba["image_mean"] - 1
        s["block_difference_vs_mitsuba"] = block_difference(images[name], images["mitsuba"])
    with open(args.scene) as f:
        film = json.load(f).get("film") or {}
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu_description(),
        "scene": args.scene,
        "size": f"{film.get('width', 512)}x{film.get('height', 512)}",
        "spp": args.spp,
        "rounds": args.rounds,
        "lacquer_device": runs["lacquer-megakernel"][0]["device"],
        "mitsuba_variant": runs["mitsuba"][0]["variant"],
        "mitsuba_note": runs["mitsuba"][0].get("note"),
        "results": summary,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['date']}  {report['cpu']}")
    print(f"{args.scene}  {report['size']}  {args.spp} spp  medians of {args.rounds} warm runs"
          f"  (Lacquer on {report['lacquer_device']}, Mitsuba {report['mitsuba_variant']})")
    if report["mitsuba_note"]:
        print(f"note: {report['mitsuba_note']}")
    print(f"{'renderer':<20}{'render s':>9}{'speed':>7}{'process s':>11}{'speed':>7}{'CPU s':>8}{'speed':>7}"
          f"{'image mean':>12}{'Δ mean':>8}{'Δ blocks':>10}")
    for name, s in summary.items():
        if name == "mitsuba":
            speeds, delta, delta_blocks = ["1.00×"] * 3, "", ""
        else:
            speeds = [f"{s[k]:.2f}×" for k in ("speed_vs_mitsuba_render", "speed_vs_mitsuba_process",
                                                "speed_vs_mitsuba_process_cpu")]
            delta = f"{100 * s['mean_vs_mitsuba']:+.1f}%"
            delta_blocks = f"{100 * s['block_difference_vs_mitsuba']:.1f}%"
        print(f"{name:<20}{s['median_render_seconds']:>9.2f}{speeds[0]:>7}{s['median_process_seconds']:>11.2f}"
              f"{speeds[1]:>7}{s['median_process_cpu_seconds']:>8.2f}{speeds[2]:>7}"
              f"{s['image_mean']:>12.4f}{delta:>8}{delta_blocks:>10}")
    print("speed = mitsuba_time / lacquer_time (relative to Mitsuba, > 1 is faster); render: each renderer's own"
          " render time; process: wall time of the process; CPU: its user + system time;"
          " Δ blocks = mean |difference| of 16×16-pixel block averages / Mitsuba's mean")


if __name__ == "__main__":
    try:
        main()
    except SceneTranslationError as e:
        sys.exit(f"bench-peer-mitsuba: {e}")
