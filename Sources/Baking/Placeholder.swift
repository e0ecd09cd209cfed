public enum BakingPlaceholder {}
