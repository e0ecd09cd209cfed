/// The viewer's controls, printed by `lacquer view --help` and the H key.
public enum ViewerKeys {
    public static let helpText = """
    Mouse:
      left drag          orbit around the target
      middle/shift drag  pan
      right drag, wheel  zoom
      left drag on the divider (split view) moves it
    Keys:
      N        toggle neural / reference materials
      C        split-screen compare (left neural, right reference)
      E        error heatmap of neural vs reference
      + / -    exposure up / down (half a stop)
      1..6     environment rotation: scene's + 0/60/120/180/240/300°
      7 8 9    environment intensity ×0.5 / ×1 / ×2 (maps only)
      F        frame the scene
      R        restart accumulation (shift+R: back to the scene's camera)
      P        save the accumulation as EXR + PNG (next to the scene, or --out)
      H        print this help
      Esc, Q   quit
    """
}
