namespace UnIT.ML.Sweeps;

/// <summary>A way of skipping MACs that <see cref="Comparison"/> sets against the others at equal accuracy drop.</summary>
public enum ComparisonMethod
{
    /// <summary>UnIT with one calibration percentile for every layer (the paper's plain UnIT).</summary>
    SinglePercentile,

    /// <summary>FATReLU alone: every Relu zeroes inputs below tau; thresholds 0.</summary>
    FatRelu,

    /// <summary>Global magnitude pruning of the weights alone, without retraining; thresholds 0.</summary>
    Magnitude,

    /// <summary>UnIT with one percentile per layer from <see cref="ThresholdSearch"/>.</summary>
    LayerSearch,

    /// <summary>UnIT with per output channel / neuron thresholds, the level chosen per layer by <see cref="ThresholdSearch"/>.</summary>
    GroupSearch,

    /// <summary><see cref="ThresholdSearch"/> that may also put UnIT on a FATReLU and/or magnitude-pruning baseline.</summary>
    Combined,
}
