using Microsoft.ML;
using UnIT.ML.Graph;

namespace UnIT.ML.MLNet;

/// <summary>The ML.NET entry point: <c>mlContext.Transforms.ApplyUnitPruning(options, graph)</c>.</summary>
public static class UnitPruningCatalog
{
    /// <summary>
    /// An estimator that calibrates UnIT inference-time pruning of <paramref name="graph"/> on the data
    /// given to Fit and returns a transformer that scores the input column into the output column.
    /// Overloads that take an ONNX file or stream are in UnIT.Onnx (<c>UnIT.Onnx.MLNet</c>).
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="options">Columns and pruning settings; copied, so later changes have no effect.</param>
    /// <param name="graph">The model, e.g. from <c>UnIT.Onnx.OnnxImporter.Import</c>.</param>
    /// <exception cref="ArgumentException">When an option is invalid (the message names it).</exception>
    public static UnitPruningEstimator ApplyUnitPruning(this TransformsCatalog catalog, UnitPruningOptions options, ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(graph);
        return new UnitPruningEstimator(catalog, options, graph);
    }
}
