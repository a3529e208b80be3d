namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// One tiny-ML reference architecture as a serialized ONNX model with seeded weights, with its dense MACs
/// counted from the layer formulas and the figures published for the benchmark model it follows.
/// </summary>
/// <param name="Name">Short name used in test rows and the doc table.</param>
/// <param name="Model">The ONNX model bytes.</param>
/// <param name="SampleShape">The input's shape without the batch axis.</param>
/// <param name="ExpectedMacs">Dense MACs per sample of all Conv and Gemm layers, from the layer formulas.</param>
/// <param name="LayerMacs">Dense MACs per sample of each Conv and Gemm, by ONNX node name.</param>
/// <param name="PublishedMacs">MACs per inference published for the benchmark model (operations / 2).</param>
/// <param name="PublishedParameters">Trainable parameters published for the benchmark model.</param>
/// <param name="Published">Where the published figures come from.</param>
internal sealed record TinyMlModel(
    string Name,
    byte[] Model,
    int[] SampleShape,
    long ExpectedMacs,
    IReadOnlyDictionary<string, long> LayerMacs,
    double PublishedMacs,
    long PublishedParameters,
    string Published)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}
