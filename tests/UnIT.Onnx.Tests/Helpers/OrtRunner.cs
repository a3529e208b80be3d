using Microsoft.ML.OnnxRuntime;

namespace UnIT.Onnx.Tests.Helpers;

/// <summary>Runs a model with ONNX Runtime, the reference the importer and engine are checked against.</summary>
internal static class OrtRunner
{
    /// <summary>Runs the model (bytes) on one input; returns the first output and its shape.</summary>
    public static (float[] Values, int[] Shape) Run(byte[] model, float[] input, int[] shape)
    {
        using var session = new InferenceSession(model);
        return Run(session, input, shape);
    }

    /// <summary>Runs the model file (external data resolved next to it) on one input.</summary>
    public static (float[] Values, int[] Shape) Run(string modelPath, float[] input, int[] shape)
    {
        using var session = new InferenceSession(modelPath);
        return Run(session, input, shape);
    }

    private static (float[] Values, int[] Shape) Run(InferenceSession session, float[] input, int[] shape)
    {
        string inputName = session.InputNames.Single();
        using var value = OrtValue.CreateTensorValueFromMemory(input, Array.ConvertAll(shape, d => (long)d));
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [inputName], [value], [session.OutputNames[0]]);
        OrtValue first = outputs[0];
        return (first.GetTensorDataAsSpan<float>().ToArray(), Array.ConvertAll(first.GetTensorTypeAndShape().Shape, d => (int)d));
    }
}
