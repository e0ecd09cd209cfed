import Foundation
import Imaging

/// MaterialX documents that exercise every stdlib node and shader the
/// MaterialX reader maps onto input-program instructions, with inputs that
/// vary over uv so that the GPU evaluates each instruction (constant
/// registers are folded on the CPU). Written to a temporary directory by the
/// GPU-vs-CPU kernel test, which adds them to its one batched dispatch.
enum MaterialXNodeFixtures {
    static let stdlibNodes = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <nodegraph name="NG">
        <texcoord name="tc" type="vector2" />
        <separate2 name="uvs" type="multioutput"><input name="in" type="vector2" nodename="tc" /></separate2>
        <combine3 name="c" type="color3">
          <input name="in1" type="float" nodename="uvs" output="outx" />
          <input name="in2" type="float" nodename="uvs" output="outy" />
          <input name="in3" type="float" value="0.5" />
        </combine3>
        <rgbtohsv name="hsv" type="color3"><input name="in" type="color3" nodename="c" /></rgbtohsv>
        <combine3 name="hueShift" type="color3"><input name="in1" type="float" value="0.37" /></combine3>
        <add name="hsv2" type="color3"><input name="in1" type="color3" nodename="hsv" /><input name="in2" type="color3" nodename="hueShift" /></add>
        <hsvtorgb name="rgb" type="color3"><input name="in" type="color3" nodename="hsv2" /></hsvtorgb>
        <smoothstep name="s" type="float">
          <input name="in" type="float" nodename="uvs" output="outx" />
          <input name="low" type="float" value="0.2" /><input name="high" type="float" value="0.8" />
        </smoothstep>
        <multiply name="v6" type="float"><input name="in1" type="float" nodename="uvs" output="outy" /><input name="in2" type="float" value="6" /></multiply>
        <sin name="sn" type="float"><input name="in" type="float" nodename="v6" /></sin>
        <cos name="cs" type="float"><input name="in" type="float" nodename="v6" /></cos>
        <subtract name="vm" type="float"><input name="in1" type="float" nodename="uvs" output="outy" /><input name="in2" type="float" value="0.5" /></subtract>
        <divide name="q" type="float"><input name="in1" type="float" nodename="uvs" output="outx" /><input name="in2" type="float" nodename="vm" /></divide>
        <atan2 name="at" type="float"><input name="in1" type="float" nodename="vm" /><input name="in2" type="float" nodename="cs" /></atan2>
        <add name="qa" type="float"><input name="in1" type="float" nodename="q" /><input name="in2" type="float" nodename="at" /></add>
        <clamp name="qc" type="float"><input name="in" type="float" nodename="qa" /><input name="low" type="float" value="-1" /></clamp>
        <min name="mn" type="float"><input name="in1" type="float" nodename="uvs" output="outx" /><input name="in2" type="float" nodename="uvs" output="outy" /></min>
        <max name="mx" type="color3"><input name="in1" type="color3" nodename="c" /><input name="in2" type="float" nodename="s" /></max>
        <convert name="cv" type="vector3"><input name="in" type="color3" nodename="rgb" /></convert>
        <convert name="sv" type="vector3"><input name="in" type="float" nodename="s" /></convert>
        <dotproduct name="dp" type="float"><input name="in1" type="vector3" nodename="cv" /><input name="in2" type="vector3" nodename="sv" /></dotproduct>
        <luminance name="lum" type="color3"><input name="in" type="color3" nodename="rgb" /></luminance>
        <ifgreater name="ig" type="color3">
          <input name="value1" type="float" nodename="uvs" output="outx" /><input name="value2" type="float" nodename="uvs" output="outy" />
          <input name="in1" type="color3" nodename="c" /><input name="in2" type="color3" nodename="rgb" />
        </ifgreater>
        <ifgreatereq name="ige" type="float">
          <input name="value1" type="float" nodename="sn" /><input name="value2" type="float" value="0" />
          <input name="in1" type="float" nodename="cs" /><input name="in2" type="float" nodename="mn" />
        </ifgreatereq>
        <separate3 name="lumParts" type="multioutput"><input name="in" type="color3" nodename="lum" /></separate3>
        <combine3 name="scalars" type="color3">
          <input name="in1" type="float" nodename="qc" />
          <input name="in2" type="float" nodename="ige" />
          <input name="in3" type="float" nodename="lumParts" output="outg" />
        </combine3>
        <add name="sum1" type="color3"><input name="in1" type="color3" nodename="ig" /><input name="in2" type="color3" nodename="mx" /></add>
        <add name="sum2" type="color3"><input name="in1" type="color3" nodename="sum1" /><input name="in2" type="color3" nodename="scalars" /></add>
        <add name="sum3" type="color3"><input name="in1" type="color3" nodename="sum2" /><input name="in2" type="float" nodename="dp" /></add>
        <place2d name="pl" type="vector2"><input name="texcoord" type="vector2" nodename="tc" /><input name="scale" type="vector2" value="0.2, 0.25" /></place2d>
        <noise2d name="nz" type="float"><input name="texcoord" type="vector2" nodename="pl" /><input name="amplitude" type="float" value="0.5" /></noise2d>
        <cellnoise2d name="cz" type="float"><input name="texcoord" type="vector2" nodename="pl" /></cellnoise2d>
        <worleynoise2d name="wz" type="float"><input name="texcoord" type="vector2" nodename="pl" /></worleynoise2d>
        <combine3 name="noises" type="color3">
          <input name="in1" type="float" nodename="nz" /><input name="in2" type="float" nodename="cz" /><input name="in3" type="float" nodename="wz" />
        </combine3>
        <add name="sum4" type="color3"><input name="in1" type="color3" nodename="sum3" /><input name="in2" type="color3" nodename="noises" /></add>
        <multiply name="scaled" type="color3"><input name="in1" type="color3" nodename="sum4" /><input name="in2" type="float" value="0.2" /></multiply>
        <clamp name="color" type="color3"><input name="in" type="color3" nodename="scaled" /></clamp>
        <output name="color_out" type="color3" nodename="color" />
        <output name="rough_out" type="float" nodename="s" />
      </nodegraph>
      <standard_surface name="SR" type="surfaceshader">
        <input name="base_color" type="color3" nodegraph="NG" output="color_out" />
        <input name="diffuse_roughness" type="float" nodegraph="NG" output="rough_out" />
        <input name="specular_roughness" type="float" nodegraph="NG" output="rough_out" />
      </standard_surface>
      <surfacematerial name="StdlibNodes" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR" />
      </surfacematerial>
    </materialx>
    """

    /// gltf_pbr (dielectric + metal mix, clearcoat, sheen, iridescence),
    /// UsdPreviewSurface (metallic workflow, clearcoat) and a standard_surface
    /// thin film on its dielectric and metal lobes and an emission, with uv-varying inputs.
    static let previewShaders = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <texcoord name="tc" type="vector2" />
      <separate2 name="uvs" type="multioutput"><input name="in" type="vector2" nodename="tc" /></separate2>
      <combine3 name="c" type="color3">
        <input name="in1" type="float" nodename="uvs" output="outx" />
        <input name="in2" type="float" value="0.4" />
        <input name="in3" type="float" nodename="uvs" output="outy" />
      </combine3>
      <multiply name="film_nm" type="float"><input name="in1" type="float" nodename="uvs" output="outx" /><input name="in2" type="float" value="900" /></multiply>
      <gltf_pbr name="SR_gltf" type="surfaceshader">
        <input name="base_color" type="color3" nodename="c" />
        <input name="metallic" type="float" nodename="uvs" output="outx" />
        <input name="roughness" type="float" nodename="uvs" output="outy" />
        <input name="clearcoat" type="float" value="0.5" />
        <input name="clearcoat_roughness" type="float" value="0.2" />
        <input name="sheen_color" type="color3" value="0.3, 0.2, 0.1" />
        <input name="sheen_roughness" type="float" value="0.4" />
        <input name="iridescence" type="float" nodename="uvs" output="outy" />
        <input name="iridescence_ior" type="float" value="1.8" />
        <input name="iridescence_thickness" type="float" nodename="film_nm" />
      </gltf_pbr>
      <surfacematerial name="Gltf" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_gltf" />
      </surfacematerial>
      <UsdPreviewSurface name="SR_usd" type="surfaceshader">
        <input name="diffuseColor" type="color3" nodename="c" />
        <input name="metallic" type="float" nodename="uvs" output="outy" />
        <input name="roughness" type="float" nodename="uvs" output="outx" />
        <input name="clearcoat" type="float" value="0.7" />
        <input name="ior" type="float" value="1.8" />
      </UsdPreviewSurface>
      <surfacematerial name="Usd" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_usd" />
      </surfacematerial>
      <standard_surface name="SR_film" type="surfaceshader">
        <input name="base_color" type="color3" nodename="c" />
        <input name="metalness" type="float" nodename="uvs" output="outy" />
        <input name="specular_roughness" type="float" value="0.25" />
        <input name="specular_IOR" type="float" value="2.2" />
        <input name="thin_film_thickness" type="float" nodename="film_nm" />
        <input name="thin_film_IOR" type="float" value="1.4" />
        <input name="emission" type="float" nodename="uvs" output="outx" />
        <input name="emission_color" type="color3" nodename="c" />
      </standard_surface>
      <surfacematerial name="Film" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR_film" />
      </surfacematerial>
    </materialx>
    """

    /// A hex-tiled image (MaterialX <hextiledimage>, every tiling input set,
    /// falloff ≠ 0.5 so the gain runs) on `hex_texture.png`.
    static let hexTiledImage = """
    <?xml version="1.0"?>
    <materialx version="1.39">
      <hextiledimage name="hex" type="color3">
        <input name="file" type="filename" value="hex_texture.png" colorspace="srgb_texture" />
        <input name="tiling" type="vector2" value="3, 2" />
        <input name="rotation" type="float" value="0.8" />
        <input name="rotationrange" type="vector2" value="-30, 200" />
        <input name="scale" type="float" value="0.7" />
        <input name="scalerange" type="vector2" value="0.6, 1.7" />
        <input name="offset" type="float" value="0.9" />
        <input name="offsetrange" type="vector2" value="0, 1" />
        <input name="falloff" type="float" value="0.75" />
        <input name="falloffcontrast" type="float" value="0.6" />
      </hextiledimage>
      <standard_surface name="SR" type="surfaceshader">
        <input name="base_color" type="color3" nodename="hex" />
        <input name="specular_roughness" type="float" value="0.4" />
      </standard_surface>
      <surfacematerial name="HexTiled" type="material">
        <input name="surfaceshader" type="surfaceshader" nodename="SR" />
      </surfacematerial>
    </materialx>
    """

    /// Writes the fixtures and returns their material references (`FILE#NAME`).
    static func write(to directory: URL) throws -> [String] {
        let nodes = directory.appendingPathComponent("stdlib_nodes.mtlx")
        let shaders = directory.appendingPathComponent("preview_shaders.mtlx")
        let hex = directory.appendingPathComponent("hex_tiled.mtlx")
        try Data(stdlibNodes.utf8).write(to: nodes)
        try Data(previewShaders.utf8).write(to: shaders)
        try Data(hexTiledImage.utf8).write(to: hex)
        // 16² texels, every one different, so a misplaced tile shows.
        var texture = Image(width: 16, height: 16, fill: SIMD4(0, 0, 0, 1))
        for y in 0..<16 { for x in 0..<16 {
            texture[x, y] = SIMD4(Float(x) / 15, Float(y) / 15, Float((x * 7 + y * 3) % 16) / 15, 1)
        } }
        try writePNG(texture, to: directory.appendingPathComponent("hex_texture.png").path, toneMap: .clamp)
        return [nodes.path, shaders.path + "#Gltf", shaders.path + "#Usd", shaders.path + "#Film", hex.path]
    }
}
