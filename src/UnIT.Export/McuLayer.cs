namespace UnIT.Export;

/// <summary>One node of a simulated MSP430 build: its measured cycles per inference beside the calibrated cost model's estimate.</summary>
public sealed record McuLayer
{
    /// <summary>The node's name, or "(other)" for what runs outside the nodes (input and output copies, the image loop).</summary>
    public required string Name { get; init; }

    /// <summary>The node's ONNX op (Conv, Gemm, Relu, ...), empty for "(other)".</summary>
    public required string Op { get; init; }

    /// <summary>Simulated MCLK cycles per inference spent in this node (between its mark and the next; includes the 8-cycle mark call).</summary>
    public required double Cycles { get; init; }

    /// <summary>
    /// The calibrated table's estimate per inference: a prunable layer (Conv, Gemm/MatMul) by its counts, another node by its
    /// op's price per element (<see cref="UnIT.ML.Targets.CostTable.NodeCosts"/>); null for "(other)" and for an op the table
    /// has no price for.
    /// </summary>
    public required double? Estimate { get; init; }
}
