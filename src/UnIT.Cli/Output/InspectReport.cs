using UnIT.ML.Graph;

namespace UnIT.Cli.Output;

/// <summary>What <c>inspect --json</c> prints: the model's inputs, outputs and every node with its cost.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Inputs">The graph inputs.</param>
/// <param name="Outputs">The graph outputs.</param>
/// <param name="Layers">Every node in execution order.</param>
/// <param name="TotalMacs">Multiply-accumulates per sample of the whole graph.</param>
/// <param name="TotalParams">Stored parameters of the whole graph.</param>
/// <param name="PeakLiveValues">The most activation values live at once per sample.</param>
/// <param name="ArenaValues">Values per sample of the activation arena, where values whose lifetimes do not overlap share memory.</param>
internal sealed record InspectReport(
    string Model, InspectReport.Value[] Inputs, InspectReport.Value[] Outputs, InspectReport.Layer[] Layers, long TotalMacs, long TotalParams,
    long PeakLiveValues, long ArenaValues)
{
    /// <summary>Builds the report for <paramref name="graph"/>.</summary>
    public static InspectReport From(ModelGraph graph) => new(
        graph.Name,
        [Value.From(graph.Input)],
        graph.Outputs.Select(Value.From).ToArray(),
        graph.Nodes.Select(n => new Layer(n.Name, n.OpName, n.Inputs, graph.ShapeOf(n.Output).Dimensions, n.ParameterCount, graph.MacsPerSample(n))).ToArray(),
        graph.TotalMacsPerSample,
        graph.TotalParameters,
        graph.Memory.PeakLiveElements,
        graph.Memory.ArenaElements);

    /// <summary>A named value; dynamic dimensions are -1.</summary>
    /// <param name="Name">The value's name.</param>
    /// <param name="Shape">Its dimensions.</param>
    internal sealed record Value(string Name, int[] Shape)
    {
        /// <summary>The report entry for <paramref name="info"/>.</summary>
        public static Value From(ValueInfo info) => new(info.Name, info.Shape.Dimensions);
    }

    /// <summary>One node.</summary>
    /// <param name="Name">The node's name.</param>
    /// <param name="Op">Its operator, e.g. Conv2d or Gemm.</param>
    /// <param name="Inputs">The values it reads.</param>
    /// <param name="OutputShape">Its output's dimensions; dynamic ones are -1.</param>
    /// <param name="Params">Its stored parameters.</param>
    /// <param name="Macs">Its multiply-accumulates per sample.</param>
    internal sealed record Layer(string Name, string Op, IReadOnlyList<string> Inputs, int[] OutputShape, long Params, long Macs);
}
