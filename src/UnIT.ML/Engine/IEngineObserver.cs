using UnIT.ML.Graph;

namespace UnIT.ML.Engine;

/// <summary>Sees the values of a dense run as they are produced; calibration uses it to collect |x*w| and value ranges.</summary>
internal interface IEngineObserver
{
    /// <summary>Called before a prunable layer runs, with its whole batch input.</summary>
    void OnLayerInput(PrunableNode layer, float[] input, Shape shape);

    /// <summary>Called for the graph input and every node output.</summary>
    void OnValue(string name, float[] data);
}
