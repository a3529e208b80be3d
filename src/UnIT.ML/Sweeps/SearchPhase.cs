namespace UnIT.ML.Sweeps;

/// <summary>The stage of <see cref="ThresholdSearch"/> that evaluated a <see cref="SearchStep"/>.</summary>
public enum SearchPhase
{
    /// <summary>Every layer at T = 0: the starting point.</summary>
    Start,

    /// <summary>Every layer at the same percentile level: the single-percentile baseline curve.</summary>
    Uniform,

    /// <summary>One layer at a level, all others at T = 0: that layer's sensitivity curve.</summary>
    Sensitivity,

    /// <summary>A greedy coordinate-ascent move: one layer raised one level from the current state.</summary>
    Greedy,

    /// <summary>A FATReLU and/or magnitude-pruning baseline alone (every layer at T = 0), a candidate to put UnIT on.</summary>
    Baseline,

    /// <summary>A trade (<see cref="SearchOptions.Trades"/>): one layer raised one level and another lowered one level from the best state.</summary>
    Trade,
}
