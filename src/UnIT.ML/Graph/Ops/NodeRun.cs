namespace UnIT.ML.Graph.Ops;

/// <summary>
/// One sample's operands of a non-MAC node: the inputs in <see cref="Node.Inputs"/> order, the output
/// buffer, their per-sample shapes (batch 1), and the fixed-point rounding of the output when the
/// kernel must round an exact result once itself (null in float).
/// </summary>
internal readonly record struct NodeRun(
    float[][] Inputs,
    Shape[] InputShapes,
    float[] Output,
    Shape OutputShape,
    float FatReluTau,
    Func<double, float>? RoundExact);
