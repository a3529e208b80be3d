using Microsoft.ML;
using UnIT.ML.MLNet;

namespace UnIT.Onnx.MLNet;

/// <summary>
/// <c>mlContext.Transforms.ApplyUnitPruning("Score", "Features", "model.onnx", percentile)</c> or
/// <c>mlContext.Transforms.ApplyUnitPruning(options, "model.onnx")</c>: the ML.NET entry point of
/// UnIT.ML (<see cref="UnitPruningCatalog"/>) for an ONNX model file or stream. The model is imported
/// once, here; the estimator keeps only the imported graph.
/// </summary>
public static class UnitPruningOnnxCatalog
{
    /// <summary>Imports the ONNX model at <paramref name="modelPath"/> (inline or external weights) and returns the UnIT estimator for it.</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="options">Columns and pruning settings; copied, so later changes have no effect.</param>
    /// <param name="modelPath">Path of the .onnx file.</param>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="OnnxImportException">When the model cannot be imported.</exception>
    public static UnitPruningEstimator ApplyUnitPruning(this TransformsCatalog catalog, UnitPruningOptions options, string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return catalog.ApplyUnitPruning(options, OnnxImporter.Import(modelPath));
    }

    /// <summary>Imports an ONNX model from <paramref name="modelStream"/> and returns the UnIT estimator for it.</summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="options">Columns and pruning settings; copied, so later changes have no effect.</param>
    /// <param name="modelStream">The model bytes, read to the end; the caller keeps and disposes the stream.</param>
    /// <exception cref="OnnxImportException">When the model cannot be imported (a model with external weights needs the path overload).</exception>
    public static UnitPruningEstimator ApplyUnitPruning(this TransformsCatalog catalog, UnitPruningOptions options, Stream modelStream)
    {
        ArgumentNullException.ThrowIfNull(modelStream);
        return catalog.ApplyUnitPruning(options, OnnxImporter.Import(modelStream));
    }

    /// <summary>
    /// The short form, as ApplyOnnxModel has it: imports the ONNX model at <paramref name="modelFile"/> and
    /// prunes it with thresholds calibrated at <paramref name="percentile"/> on the data given to Fit, reading
    /// <paramref name="inputColumnName"/> and writing <paramref name="outputColumnName"/> and PredictedLabel;
    /// every other setting is the default of <see cref="UnitPruningOptions"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog, <c>mlContext.Transforms</c>.</param>
    /// <param name="outputColumnName">The scores column (the model's first output).</param>
    /// <param name="inputColumnName">The input column: a known-size vector of Single holding one sample.</param>
    /// <param name="modelFile">Path of the .onnx file.</param>
    /// <param name="percentile">Calibration percentile p (0..100) of nonzero |x*w| per layer; 0 skips no MAC by threshold.</param>
    /// <exception cref="ArgumentException">When a setting is invalid (the message names the option).</exception>
    /// <exception cref="FileNotFoundException">When the file does not exist.</exception>
    /// <exception cref="OnnxImportException">When the model cannot be imported.</exception>
    public static UnitPruningEstimator ApplyUnitPruning(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, string modelFile, double percentile = 50) =>
        catalog.ApplyUnitPruning(new UnitPruningOptions { OutputColumnName = outputColumnName, InputColumnName = inputColumnName, Percentile = percentile }, modelFile);
}
