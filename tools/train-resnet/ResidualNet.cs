using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace UnIT.Tools.TrainResnet;

/// <summary>
/// The small residual network: input normalization (x - mean) / std on pixels scaled to [0, 1],
/// stem 3x3 Conv-BN-Relu (16) and a 2x2 max pool (28x28 to 14x14: a quarter of the MACs, so that two
/// epochs take about 12 CPU-minutes), two identity residual blocks at 16 channels, one stride-2 block to 32 channels (7x7)
/// with a 1x1 projection shortcut, global average pool, flatten, linear to 10.
/// </summary>
internal sealed class ResidualNet : nn.Module<Tensor, Tensor>
{
    private readonly ConvBn stem;
    private readonly ModuleList<ResidualBlock> blocks;
    private readonly Linear head;

    public ResidualNet(float mean, float std) : base("resnet")
    {
        Mean = mean;
        Std = std;
        stem = new ConvBn("stem", 1, 16, 3, 1);
        blocks = nn.ModuleList(
            new ResidualBlock("block1", 16, 16, 1),
            new ResidualBlock("block2", 16, 16, 1),
            new ResidualBlock("block3", 16, 32, 2));
        head = nn.Linear(32, 10);
        RegisterComponents();
    }

    /// <summary>Pixel mean subtracted first (pixels in [0, 1]).</summary>
    public float Mean { get; }

    /// <summary>Pixel standard deviation divided by after the mean.</summary>
    public float Std { get; }

    /// <summary>The stem Conv-BN (a Relu follows).</summary>
    public ConvBn Stem => stem;

    /// <summary>The residual blocks in order.</summary>
    public IReadOnlyList<ResidualBlock> Blocks => [.. blocks];

    /// <summary>The classifier weight [10, 32] and bias [10].</summary>
    public (Tensor Weight, Tensor Bias) Head => (head.weight!, head.bias!);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor h = nn.functional.max_pool2d(nn.functional.relu(stem.call((x - Mean) / Std)), 2);
        foreach (ResidualBlock block in blocks)
            h = block.call(h);
        h = nn.functional.adaptive_avg_pool2d(h, [1, 1]).flatten(1);
        return head.call(h).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stem.Dispose();
            blocks.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
