using Microsoft.ML.OnnxRuntime;

namespace UnIT.Tools.TrainResnet;

/// <summary>Runs the written ONNX model with ONNX Runtime, the independent reference.</summary>
internal sealed class OrtCheck : IDisposable
{
    private readonly InferenceSession session;

    public OrtCheck(byte[] model) => session = new InferenceSession(model);

    /// <summary>Logits [count, 10] for images [start, start + count) of <paramref name="pixels"/> (784 floats each), as one batch.</summary>
    public float[] Logits(float[] pixels, int start, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels.AsMemory(start * 784, count * 784).ToArray(), [count, 1, 28, 28]);
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, ["input"], [input], ["logits"]);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != count || shape[1] != 10)
            throw new InvalidOperationException($"ONNX Runtime returned logits of shape [{string.Join(",", shape)}], expected [{count},10].");
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
