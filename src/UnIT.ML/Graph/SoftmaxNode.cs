namespace UnIT.ML.Graph;

/// <summary>Softmax over the last axis (ONNX Softmax with axis -1, or axis 1 on a matrix).</summary>
public sealed class SoftmaxNode(string name, string input, string output) : Node(name, input, output)
{
    /// <inheritdoc/>
    public override string OpName => "Softmax";

    /// <inheritdoc/>
    public override Shape InferOutputShape(Shape input) => input;
}
