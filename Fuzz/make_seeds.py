#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/Corpus/<target>/ (docs/FUZZING.md).

Each target gets a few small valid inputs and a few broken ones. Written by
hand from the format documents, so the files are small and their origin is
clear; run again after changing a seed (the output is deterministic).
Reproducers of fixed crashes are named `regress-*`; the replay test only
requires that they do not crash (they may be accepted or refused). Some are
written here, others are libFuzzer artifacts copied in by hand; this script
does not delete files it did not write.
"""
import json, os, struct, sys, zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")


def put(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# ---- scene JSON (docs/SCENE_FORMAT.md); cube.obj and texture files exist in the fuzz workspace
SCENE = {
    "camera": {"position": [0, 1, 4], "target": [0, 0, 0], "up": [0, 1, 0], "fov": 40},
    "film": {"width": 32, "height": 24, "spp": 4, "max_depth": 4, "seed": 7},
    "environment": {"type": "constant", "radiance": [1, 0.9, 0.8]},
    "materials": {
        "white": {"type": "diffuse", "albedo": [0.8, 0.8, 0.8]},
        "gold": {"type": "conductor", "metal": "gold", "roughness": 0.25},
        "plastic": {"type": "coated_diffuse", "albedo": [0.05, 0.2, 0.6], "coat_ior": 1.5, "coat_roughness": 0.1},
    },
    "objects": [
        {"name": "ball", "shape": "sphere", "center": [0, 0, 0], "radius": 1, "material": "gold"},
        {"name": "cube", "shape": "mesh", "path": "cube.obj", "material": "plastic"},
    ],
}
put("scene-json", "valid-small.json", json.dumps(SCENE, indent=1))
put("scene-json", "valid-minimal.json", json.dumps({"camera": SCENE["camera"]}))
put("scene-json", "valid-envmap.json", json.dumps(dict(SCENE, environment={"type": "map", "path": "texture.exr", "rotation": 90, "intensity": 2})))
put("scene-json", "broken-truncated.json", json.dumps(SCENE)[:150])
put("scene-json", "broken-numbers.json", '{"camera": {"position": [1e999, -0, 4], "target": [0, 0, 0], "up": [0, 0, 0], "fov": -1}, "film": {"width": 0}}')
put("scene-json", "broken-deep.json", "[" * 300 + "]" * 300)
put("scene-json", "broken-utf8.json", b'{"camera": {"position": [0, 0, 4], "target": [0, 0, 0], "up": [0, 1, 0], "fov": 40}, "description": "\xff\xfe\\ud800"}')

# ---- material JSON (docs/MATERIALS.md); texture.png / texture.exr exist in the fuzz workspace
put("material-json", "valid-lambert.json", json.dumps({"lacquer_material": 1, "name": "l", "bsdf": {"node": "lambert_bsdf", "color": [0.8, 0.6, 0.4]}}))
put("material-json", "valid-layered.json", json.dumps({
    "lacquer_material": 1, "name": "wood",
    "nodes": {"grain": {"node": "fbm", "scale": [4, 40], "seed": 3}},
    "bsdf": {"node": "layer", "tint": [0.9, 0.8, 0.7], "thickness": 0.5, "ior": 1.5,
             "top": {"node": "dielectric_bsdf", "roughness": 0.2,
                     "normal": {"node": "bump", "in": {"node": "fbm", "scale": 8}, "strength": 0.1}},
             "base": {"node": "oren_nayar_diffuse_bsdf",
                      "color": {"node": "mix", "fg": [0.3, 0.1, 0.05], "bg": [0.6, 0.4, 0.2], "mix": "grain"},
                      "roughness": {"node": "remap", "in": {"node": "fbm", "scale": 4, "seed": 3}, "outlow": 0.3, "outhigh": 1.0}}}}, indent=1))
put("material-json", "valid-texture.json", json.dumps({
    "lacquer_material": 1, "name": "t",
    "bsdf": {"node": "conductor_bsdf", "roughness": 0.3,
             "reflectivity": {"node": "image", "file": "texture.png", "type": "color3"},
             "edge_color": {"node": "image", "file": "texture.exr", "type": "color3"}}}))
put("material-json", "valid-sheen.json", json.dumps({"lacquer_material": 1, "name": "s", "bsdf": {"node": "sheen_bsdf", "color": [1, 1, 1], "roughness": 0.05}}))
# A chain of 1000 named nodes: the recursive resolver overflowed the 8 MB stack near 600 (debug build).
chain = {"n%d" % i: {"node": "mix", "fg": "n%d" % (i + 1), "bg": 0.5, "mix": 0.5} for i in range(1000)}
chain["n1000"] = {"node": "mix", "fg": 0.5, "bg": 0.5, "mix": 0.5}
put("material-json", "regress-node-chain.json", json.dumps({"lacquer_material": 1, "nodes": chain, "bsdf": {"node": "lambert_bsdf", "color": "n0"}}, separators=(",", ":")))
put("material-json", "broken-version.json", '{"lacquer_material": 2, "bsdf": {}}')
put("material-json", "broken-cycle.json", json.dumps({"lacquer_material": 1, "nodes": {"a": {"node": "mix", "fg": "b", "bg": 0, "mix": 0.5}, "b": {"node": "mix", "fg": "a", "bg": 0, "mix": 0.5}}, "bsdf": {"node": "lambert_bsdf", "color": "a"}}))
put("material-json", "broken-types.json", '{"lacquer_material": 1, "bsdf": {"node": "dielectric_bsdf", "roughness": "rough", "ior": [1, 2, 3, 4]}}')
put("material-json", "broken-syntax.json", '{"lacquer_material": 1, "bsdf": {"node": "lambert_bsdf", "color": [0.8, 0.6')

# ---- MaterialX (a subset: docs/MATERIALS.md)
MTLX = """<?xml version="1.0"?>
<materialx version="1.39">
  <nodegraph name="NG">
    <lacquer_fbm name="noise" type="float">
      <input name="scale" type="vector2" value="5, 5" />
      <input name="seed" type="integer" value="31" />
    </lacquer_fbm>
    <mix name="paint" type="color3">
      <input name="fg" type="color3" value="0.08, 0.2, 0.6" />
      <input name="bg" type="color3" value="0.92, 0.9, 0.85" />
      <input name="mix" type="float" nodename="noise" />
    </mix>
    <output name="base_color_out" type="color3" nodename="paint" />
  </nodegraph>
  <open_pbr_surface name="SR" type="surfaceshader">
    <input name="base_color" type="color3" nodegraph="NG" output="base_color_out" />
    <input name="specular_roughness" type="float" value="0.6" />
    <input name="coat_weight" type="float" value="1" />
    <input name="coat_ior" type="float" value="1.55" />
  </open_pbr_surface>
  <surfacematerial name="m" type="material">
    <input name="surfaceshader" type="surfaceshader" nodename="SR" />
  </surfacematerial>
</materialx>
"""
put("materialx", "valid-openpbr.mtlx", MTLX)
put("materialx", "valid-layer.mtlx", """<?xml version="1.0"?>
<materialx version="1.38">
  <sheen_bsdf name="top" type="BSDF"><input name="color" type="color3" value="1, 1, 1" /><input name="roughness" type="float" value="0.3" /></sheen_bsdf>
  <oren_nayar_diffuse_bsdf name="base" type="BSDF"><input name="color" type="color3" value="0.5, 0.1, 0.1" /></oren_nayar_diffuse_bsdf>
  <layer name="stack" type="BSDF"><input name="top" type="BSDF" nodename="top" /><input name="base" type="BSDF" nodename="base" /></layer>
  <surface name="surf" type="surfaceshader"><input name="bsdf" type="BSDF" nodename="stack" /></surface>
  <surfacematerial name="m" type="material"><input name="surfaceshader" type="surfaceshader" nodename="surf" /></surfacematerial>
</materialx>
""")
put("materialx", "valid-image.mtlx", """<?xml version="1.0"?>
<materialx version="1.39">
  <image name="tex" type="color3"><input name="file" type="filename" value="texture.png" colorspace="srgb_texture" /></image>
  <standard_surface name="SR" type="surfaceshader"><input name="base_color" type="color3" nodename="tex" /><input name="metalness" type="float" value="0.5" /></standard_surface>
  <surfacematerial name="m" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
</materialx>
""")
put("materialx", "valid-hextiled-uv1.mtlx", """<?xml version="1.0"?>
<materialx version="1.39">
  <texcoord name="tc1" type="vector2"><input name="index" type="integer" value="1" /></texcoord>
  <hextiledimage name="hex" type="color3"><input name="file" type="filename" value="texture.png" /><input name="texcoord" type="vector2" nodename="tc1" />
    <input name="tiling" type="vector2" value="3, 2" /><input name="rotationrange" type="vector2" value="-30, 200" /><input name="scalerange" type="vector2" value="0.6, 1.7" />
    <input name="falloff" type="float" value="0.75" /><input name="falloffcontrast" type="float" value="0.6" /></hextiledimage>
  <standard_surface name="SR" type="surfaceshader"><input name="base_color" type="color3" nodename="hex" /></standard_surface>
  <surfacematerial name="m" type="material"><input name="surfaceshader" type="surfaceshader" nodename="SR" /></surfacematerial>
</materialx>
""")
# One 0xFF byte in an element name: Foundation's XMLParser trapped (SIGILL) on it.
put("materialx", "regress-invalid-utf8-name.mtlx", MTLX.encode().replace(b"<mix ", b"<mi\xffx ", 1))
# A processing instruction without data: Foundation's XMLParser called strlen(NULL) (SIGSEGV).
put("materialx", "regress-empty-processing-instruction.mtlx", "<?xml version=\"1.0\"?>\n<?lacquer?>\n" + MTLX.split("\n", 1)[1])
put("materialx", "broken-truncated.mtlx", MTLX[:400])
put("materialx", "broken-entity.mtlx", '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<materialx version="1.39"><surfacematerial name="&c;" type="material"/></materialx>\n')
put("materialx", "broken-external.mtlx", '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n<materialx version="1.39"><surfacematerial name="&x;" type="material"/></materialx>\n')
put("materialx", "broken-cycle.mtlx", '<materialx version="1.39"><mix name="a" type="float"><input name="fg" type="float" nodename="b"/></mix><mix name="b" type="float"><input name="fg" type="float" nodename="a"/></mix><surface_unlit name="s" type="surfaceshader"><input name="emission" type="float" nodename="a"/></surface_unlit><surfacematerial name="m" type="material"><input name="surfaceshader" type="surfaceshader" nodename="s"/></surfacematerial></materialx>')

# ---- glTF / GLB: one triangle with indices and normals
positions = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
normals = struct.pack("<9f", 0, 0, 1, 0, 0, 1, 0, 0, 1)
uvs = struct.pack("<6f", 0, 0, 1, 0, 0, 1)
indices = struct.pack("<3H", 0, 1, 2) + b"\0\0"
blob = positions + normals + uvs + indices


def gltf(uri):
    buffer = {"byteLength": len(blob)}
    if uri is not None:
        buffer["uri"] = uri
    return {
        "asset": {"version": "2.0"},
        "scene": 0, "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "translation": [1, 2, 3], "scale": [2, 2, 2]}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2}, "indices": 3}]}],
        "buffers": [buffer],
        "bufferViews": [
            {"buffer": 0, "byteOffset": 0, "byteLength": 36},
            {"buffer": 0, "byteOffset": 36, "byteLength": 36},
            {"buffer": 0, "byteOffset": 72, "byteLength": 24},
            {"buffer": 0, "byteOffset": 96, "byteLength": 6},
        ],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [0, 0, 0], "max": [1, 1, 0]},
            {"bufferView": 1, "componentType": 5126, "count": 3, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": 3, "type": "VEC2"},
            {"bufferView": 3, "componentType": 5123, "count": 3, "type": "SCALAR"},
        ],
    }


import base64
put("gltf", "valid-datauri.gltf", json.dumps(gltf("data:application/octet-stream;base64," + base64.b64encode(blob).decode())))


def glb(doc, binary):
    j = json.dumps(doc).encode()
    j += b" " * (-len(j) % 4)
    binary += b"\0" * (-len(binary) % 4)
    body = struct.pack("<II", len(j), 0x4E4F534A) + j + struct.pack("<II", len(binary), 0x004E4942) + binary
    return struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body


put("gltf", "valid-binary.glb", glb(gltf(None), blob))
put("gltf", "broken-glb-length.glb", glb(gltf(None), blob)[:-20])
put("gltf", "broken-accessor.gltf", json.dumps(dict(gltf("data:application/octet-stream;base64," + base64.b64encode(blob).decode()),
                                                   accessors=[{"bufferView": 0, "componentType": 5126, "count": 4000000000, "type": "VEC3"}])))
put("gltf", "broken-node-cycle.gltf", json.dumps(dict(gltf(None), nodes=[{"children": [1]}, {"children": [0], "mesh": 0}])))

# ---- OBJ
put("obj", "valid-quad.obj", "o quad\nv -1 -1 0\nv 1 -1 0\nv 1 1 0\nv -1 1 0\nvt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\nvn 0 0 1\nf 1/1/1 2/2/1 3/3/1 4/4/1\n")
put("obj", "valid-negative.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf -4 -3 -2\nf -4 -2 -1\ng g\nusemtl x\ns 1\nf 1 2 4\n")
put("obj", "broken-index.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9999999999999999999\nf 0 1 2\n")
put("obj", "broken-numbers.obj", "v nan inf -inf\nv 1e39 0 0\nv 0 1 0\nf 1 2 3\n")
put("obj", "broken-utf16.obj", "v 0 0 0\nf 1 1 1\n".encode("utf-16"))

# ---- .nmat (docs/NMAT_FORMAT.md): a tiny 1x1-hidden model
def safetensors(tensors, metadata):
    header = {"__metadata__": metadata}
    data = b""
    for name, dtype, shape, payload in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    h = json.dumps(header).encode()
    h += b" " * (-(8 + len(h)) % 8)
    return struct.pack("<Q", len(h)) + h + data


def halfs(n, value=0.125):
    return struct.pack("<%de" % n, *([value] * n))


def nmat(float32_masters=False):
    C, brdf, sampler = 2, [2], [2]
    arch = {"brdfHidden": brdf, "latentChannels": C, "outputOffset": 3, "samplerHidden": sampler}
    meta = {"format": "lacquer-nmat", "format_version": "1", "architecture": json.dumps(arch, sort_keys=True),
            "latent_resolution": "2x2", "latent_levels": "2", "source_material": "fuzz", "source_hash": "fnv1a64:0",
            "training": "{}", "seed": "1", "metrics": "{}"}
    shapes = [("latents.0", [2, 2, C]), ("latents.1", [1, 1, C]), ("frame.weight", [12, C])]
    chain = lambda inputs, hidden, outputs: list(zip([inputs] + hidden, hidden + [outputs]))
    for prefix, layers in (("brdf", chain(12 + C, brdf, 3)), ("sampler", chain(C + 3, sampler, 9))):
        for i, (n_in, n_out) in enumerate(layers):
            shapes += [("%s.%d.weight" % (prefix, i), [n_out, n_in]), ("%s.%d.bias" % (prefix, i), [n_out])]
    tensors = []
    for name, shape in shapes:
        n = 1
        for s in shape:
            n *= s
        tensors.append((name, "F16", shape, halfs(n)))
        if float32_masters:
            tensors.append(("f32." + name, "F32", shape, struct.pack("<%df" % n, *([0.125] * n))))
    return safetensors(tensors, meta)


put("nmat", "valid-tiny.nmat", nmat())
put("nmat", "valid-masters.nmat", nmat(float32_masters=True))
put("nmat", "broken-truncated.nmat", nmat()[:-7])
put("nmat", "broken-header-length.nmat", struct.pack("<Q", 2 ** 63) + b"{}")
put("nmat", "broken-offsets.nmat", safetensors([("latents.0", "F16", [1, 1, 2], b"")], {"format": "lacquer-nmat"}))
# Thousands of 1024-wide layers: parameters were allocated from the architecture (tens of GB) before any check.
put("nmat", "regress-many-layers.nmat", safetensors([], {"format": "lacquer-nmat", "format_version": "1",
    "architecture": json.dumps({"brdfHidden": [1024] * 2500, "latentChannels": 8, "outputOffset": 3, "samplerHidden": [32]}),
    "latent_resolution": "2x2", "latent_levels": "1", "source_material": "m", "source_hash": "fnv1a64:0",
    "training": "{}", "seed": "1", "metrics": "{}"}))
put("nmat", "broken-nan.nmat", nmat().replace(halfs(1), struct.pack("<e", float("nan")), 1))

# ---- EXR: uncompressed scanline RGBA half, 2x2 (OpenEXR file layout)
def attr(name, kind, payload):
    return name.encode() + b"\0" + kind.encode() + b"\0" + struct.pack("<i", len(payload)) + payload


def exr(width, height, channels="ABGR", compression=0):
    chlist = b"".join(c.encode() + b"\0" + struct.pack("<iB3xii", 1, 0, 1, 1) for c in channels) + b"\0"
    header = (struct.pack("<ii", 20000630, 2)
              + attr("channels", "chlist", chlist)
              + attr("compression", "compression", bytes([compression]))
              + attr("dataWindow", "box2i", struct.pack("<4i", 0, 0, width - 1, height - 1))
              + attr("displayWindow", "box2i", struct.pack("<4i", 0, 0, width - 1, height - 1))
              + attr("lineOrder", "lineOrder", b"\0")
              + attr("pixelAspectRatio", "float", struct.pack("<f", 1))
              + attr("screenWindowCenter", "v2f", struct.pack("<2f", 0, 0))
              + attr("screenWindowWidth", "float", struct.pack("<f", 1))
              + b"\0")
    lines = []
    for y in range(height):
        row = b"".join(struct.pack("<%de" % width, *[(0.25 + 0.1 * i + 0.01 * x) for x in range(width)]) for i, _ in enumerate(channels))
        lines.append(struct.pack("<ii", y, len(row)) + row)
    offset = len(header) + 8 * height
    table = b""
    for line in lines:
        table += struct.pack("<Q", offset)
        offset += len(line)
    return header + table + b"".join(lines)


put("exr", "valid-rgba.exr", exr(2, 2))
put("exr", "valid-luminance.exr", exr(3, 1, channels="Y"))
put("exr", "broken-truncated.exr", exr(2, 2)[:-9])
put("exr", "broken-huge-window.exr", exr(2, 2).replace(struct.pack("<4i", 0, 0, 1, 1), struct.pack("<4i", 0, 0, 2 ** 30, 2 ** 30), 1))
# A ZIP file whose header claims 2^28 x 1 pixels, with one 4-byte chunk: 2 GB of planes were
# allocated and cleared before the chunk was even located (libFuzzer time-out).
wide = exr(2, 1, compression=3)
wide = wide[:wide.index(struct.pack("<4i", 0, 0, 1, 0), wide.index(b"dataWindow"))] + struct.pack("<4i", 0, 0, 2 ** 28 - 1, 0) \
    + wide[wide.index(struct.pack("<4i", 0, 0, 1, 0), wide.index(b"dataWindow")) + 16:]
header_end = wide.index(b"screenWindowWidth") + len(b"screenWindowWidth\0float\0") + 8 + 1
put("exr", "regress-window-without-data.exr", wide[:header_end] + struct.pack("<Q", header_end + 8) + struct.pack("<ii", 0, 4) + b"\x78\x9c\x03\x00")
put("exr", "broken-magic.exr", b"\x76\x2f\x31\x00" + exr(2, 2)[4:40])

# ---- PNG: 2x2 RGB 8-bit and 1x1 grey 16-bit
def png(width, height, depth, colour, rows):
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


put("png", "valid-rgb.png", png(2, 2, 8, 2, [bytes([255, 0, 0, 0, 255, 0]), bytes([0, 0, 255, 128, 128, 128])]))
put("png", "valid-grey16.png", png(1, 1, 16, 0, [b"\x80\x00"]))
put("png", "broken-truncated.png", png(2, 2, 8, 2, [bytes(6), bytes(6)])[:-15])
put("png", "broken-huge.png", png(2, 2, 8, 2, [bytes(6), bytes(6)]).replace(struct.pack(">II", 2, 2), struct.pack(">II", 100000, 100000), 1))
good = png(2, 2, 8, 6, [bytes(8), bytes(8)])
put("png", "broken-crc.png", good[:29] + bytes([good[29] ^ 0xFF]) + good[30:])  # IHDR's CRC flipped

# ---- JPEG: encoded by libjpeg-turbo's cjpeg (Debian: libjpeg-turbo-progs) from
# PPM/PGM images written here; skipped with a note where cjpeg is missing.
def cjpeg(pnm, *options):
    import shutil, subprocess
    if shutil.which("cjpeg") is None:
        return None
    return subprocess.run(["cjpeg", *options], input=pnm, capture_output=True, check=True).stdout


ppm = b"P6 4 4 255\n" + bytes((17 * i) % 256 for i in range(48))
pgm = b"P5 3 2 255\n" + bytes([0, 80, 160, 240, 128, 64])
baseline = cjpeg(ppm, "-quality", "90")
if baseline is None:
    print("make_seeds: cjpeg not found (apt-get install libjpeg-turbo-progs): JPEG seeds left as they are", file=sys.stderr)
else:
    put("jpeg", "valid-rgb.jpg", baseline)
    put("jpeg", "valid-grey-progressive.jpg", cjpeg(pgm, "-grayscale", "-progressive"))
    put("jpeg", "valid-restart.jpg", cjpeg(ppm, "-restart", "1", "-optimize"))
    put("jpeg", "broken-truncated.jpg", baseline[: len(baseline) // 2])
    sof = baseline.index(b"\xff\xc0")
    put("jpeg", "broken-huge.jpg", baseline[:sof + 5] + struct.pack(">HH", 60000, 60000) + baseline[sof + 9:])
    put("jpeg", "broken-no-eoi.jpg", baseline[:-2])

# ---- bsdf rows: byte 0 = bundled material, byte 1 bit 0 = sample, then float32 rows of 6
def rows(material, sample, values):
    return bytes([material, sample]) + struct.pack("<%df" % len(values), *values)


put("bsdf-rows", "valid-eval.bin", rows(0, 0, [0.3, -0.2, 0.93, -0.5, 0.1, 0.86, 0, 0, 1, 0, 0, 1]))
put("bsdf-rows", "valid-sample.bin", rows(5, 1, [0.3, -0.2, 0.93, 0.1, 0.5, 0.9, 0, 0, 1, 0.99, 0.01, 0.5]))
put("bsdf-rows", "valid-grazing.bin", rows(7, 0, [1, 0, 1e-20, 0, 1, 1e-20, 1, 0, 0, -1, 0, 0]))
put("bsdf-rows", "broken-partial-row.bin", rows(1, 0, [0.3, -0.2, 0.93, -0.5])[:-1])
put("bsdf-rows", "broken-below.bin", rows(3, 1, [0, 0, -1, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0]))
