using UnIT.ML.Graph;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>
/// One small model checked against ONNX Runtime: random input of <paramref name="InputShape"/> in
/// [<paramref name="Lo"/>, <paramref name="Hi"/>), then optional checks on the imported graph.
/// </summary>
internal sealed record ParityCase(string Name, byte[] Model, int[] InputShape, float Lo = -1f, float Hi = 1f, Action<ModelGraph>? Verify = null)
{
    /// <summary>Runs the parity check and the extra verification.</summary>
    public void Run()
    {
        ModelGraph graph = Parity.Check(Model, InputShape, seed: Name.Length, lo: Lo, hi: Hi);
        Verify?.Invoke(graph);
    }

    /// <summary>The case called <paramref name="name"/> among <paramref name="cases"/>.</summary>
    public static void Run(IEnumerable<ParityCase> cases, string name) => cases.Single(c => c.Name == name).Run();

    /// <summary>Case names as MSTest dynamic data rows.</summary>
    public static IEnumerable<object[]> Names(IEnumerable<ParityCase> cases) => cases.Select(c => new object[] { c.Name });
}
