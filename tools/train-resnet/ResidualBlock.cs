using TorchSharp;
using static TorchSharp.torch;

namespace UnIT.Tools.TrainResnet;

/// <summary>
/// Conv-BN-Relu-Conv-BN plus a shortcut (identity, or a 1x1 Conv-BN projection when the block
/// changes the channel count or the resolution), then Relu.
/// </summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly ConvBn first;
    private readonly ConvBn second;
    private readonly ConvBn? projection;

    public ResidualBlock(string name, long input, long output, long stride) : base(name)
    {
        first = new ConvBn("first", input, output, 3, stride);
        second = new ConvBn("second", output, output, 3, 1);
        projection = input != output || stride != 1 ? new ConvBn("projection", input, output, 1, stride) : null;
        RegisterComponents();
    }

    /// <summary>The first 3x3 Conv-BN (carries the block's stride).</summary>
    public ConvBn First => first;

    /// <summary>The second 3x3 Conv-BN.</summary>
    public ConvBn Second => second;

    /// <summary>The 1x1 projection shortcut, or null for an identity shortcut.</summary>
    public ConvBn? Projection => projection;

    public override Tensor forward(Tensor x)
    {
        // Intermediates are freed by the caller's dispose scope (autograd may still need them).
        Tensor main = second.call(nn.functional.relu(first.call(x)));
        return nn.functional.relu(main + (projection is null ? x : projection.call(x)));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            first.Dispose();
            second.Dispose();
            projection?.Dispose();
        }
        base.Dispose(disposing);
    }
}
