using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Identity and Dropout (inference: the identity) are removed; their output becomes another name
/// for their input. Dropout's mask output must be unused and training_mode, if given, false.
/// </summary>
internal sealed class PassThroughImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["Identity", "Dropout"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string input = node.Input(0);
        if (!node.Context.IsRuntime(input) && !node.Context.TryGetConstant(input, out _))
        {
            node.RuntimeInput(0);
        }
        if (node.OpType == "Dropout")
        {
            node.RequireOnlyFirstOutput();
            if (node.HasInput(2) && node.ConstantInput(2, "training_mode").Ints().Any(v => v != 0))
            {
                throw node.Error("training_mode true is not supported; only inference is.");
            }
        }
        node.Context.Alias(node.Output(), input);
    }
}
