using UnIT.ML.Graph;
using UnIT.Onnx.Importing;

namespace UnIT.Onnx.Ops;

/// <summary>
/// Inference-mode BatchNormalization. Folded into the preceding <see cref="ConvNode"/> when that
/// conv's output feeds only this node (w' = w * s[c], b' = (b - mean) * s + beta with
/// s = gamma / sqrt(var + epsilon)); otherwise a <see cref="BatchNormNode"/>.
/// </summary>
internal sealed class BatchNormalizationImporter : IOpImporter
{
    /// <inheritdoc/>
    public IReadOnlyList<string> OpTypes { get; } = ["BatchNormalization"];

    /// <inheritdoc/>
    public void Import(OnnxNode node)
    {
        string x = node.RuntimeInput(0);
        if (node.Int("training_mode", 0) != 0)
        {
            throw node.Error("training_mode 1 is not supported; only inference-mode batch normalization is.");
        }
        // Opsets 7-8: spatial 0 means statistics per (channel, position), not per channel.
        if (node.Opset < 9 && node.Int("spatial", 1) == 0)
        {
            throw node.Error("spatial 0 (statistics per element, opsets 7 and 8) is not supported; only per-channel statistics are.");
        }
        // Running mean/var outputs exist only in training mode.
        node.RequireOnlyFirstOutput();
        float[] gamma = node.ConstantFloats(1, "scale");
        float[] beta = node.ConstantFloats(2, "bias");
        float[] mean = node.ConstantFloats(3, "mean");
        float[] variance = node.ConstantFloats(4, "var");
        int channels = gamma.Length;
        if (beta.Length != channels || mean.Length != channels || variance.Length != channels)
        {
            throw node.Error($"scale, bias, mean and var must have one value per channel; they have {gamma.Length}, {beta.Length}, {mean.Length} and {variance.Length}.");
        }
        double epsilon = node.Float("epsilon", 1e-5f);
        var scale = new float[channels];
        var shift = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double s = gamma[c] / Math.Sqrt(variance[c] + epsilon);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - mean[c] * s);
        }

        ImportContext context = node.Context;
        if (context.SoleProducer<ConvNode>(x) is { } conv && conv.OutputChannels == channels)
        {
            context.Replace(conv, Fold(conv, node.Output(), gamma, beta, mean, variance, epsilon));
            return;
        }
        context.Add(new BatchNormNode(context.LayerName(node), x, node.Output(), scale, shift));
    }

    /// <summary>The convolution followed by the normalization, as one convolution writing <paramref name="output"/>.</summary>
    private static ConvNode Fold(ConvNode conv, string output, float[] gamma, float[] beta, float[] mean, float[] variance, double epsilon)
    {
        float[] w = (float[])conv.Weight.Data.Clone();
        int channels = conv.OutputChannels;
        int perChannel = w.Length / channels;
        var bias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double s = gamma[c] / Math.Sqrt(variance[c] + epsilon);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++)
            {
                w[i] = (float)(w[i] * s);
            }
            double b = conv.Bias?[c] ?? 0f;
            bias[c] = (float)((b - mean[c]) * s + beta[c]);
        }
        return new ConvNode(conv.Name, conv.Input, output, new Tensor(conv.Weight.Shape, w), bias,
            conv.Strides, conv.PadsBegin, conv.PadsEnd, conv.Dilations, conv.Groups);
    }
}
