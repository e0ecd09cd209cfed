public enum NeuralMaterialPlaceholder {}
