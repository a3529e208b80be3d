using Microsoft.ML;
using UnIT.ML.Graph;

namespace UnIT.ML.MLNet;

/// <summary>The ML.NET entry point: <c>mlContext.Transforms.ApplyUnitPruning("Score", "Features", graph, percentile)</c>, or with an options object.</summary>
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

    /// <summary>
    /// The short form, as ApplyOnnxModel has it: prunes <paramref name="graph"/> with thresholds calibrated at
    /// <paramref name="percentile"/> on the data given to Fit, reading <paramref name="inputColumnName"/> and
    /// writing <paramref name="outputColumnName"/> and PredictedLabel; every other setting is the default of
    /// <see cref="UnitPruningOptions"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="outputColumnName">The scores column (the model's first output).</param>
    /// <param name="inputColumnName">The input column: a known-size vector of Single holding one sample.</param>
    /// <param name="graph">The model, e.g. from <c>UnIT.Onnx.OnnxImporter.Import</c>.</param>
    /// <param name="percentile">Calibration percentile p (0..100) of nonzero |x*w| per layer; 0 skips no MAC by threshold.</param>
    /// <exception cref="ArgumentException">When a setting is invalid (the message names the option).</exception>
    public static UnitPruningEstimator ApplyUnitPruning(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, ModelGraph graph, double percentile = 50) =>
        catalog.ApplyUnitPruning(new UnitPruningOptions { OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Percentile = percentile }, graph);
}
