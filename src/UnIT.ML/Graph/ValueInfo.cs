namespace UnIT.ML.Graph;

/// <summary>A named graph input or output with its shape.</summary>
/// <param name="Name">The value's name.</param>
/// <param name="Shape">The value's shape; the first dimension may be dynamic.</param>
public sealed record ValueInfo(string Name, Shape Shape);
