public enum MaterialsPlaceholder {}
