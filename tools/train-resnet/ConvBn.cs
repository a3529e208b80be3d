using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace UnIT.Tools.TrainResnet;

/// <summary>A bias-free convolution followed by batch normalization (no activation).</summary>
internal sealed class ConvBn : nn.Module<Tensor, Tensor>
{
    /// <summary>The epsilon of every batch normalization; written into the ONNX node as is.</summary>
    public const double Epsilon = 1e-5;

    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public ConvBn(string name, long input, long output, long kernel, long stride) : base(name)
    {
        conv = nn.Conv2d(input, output, kernel, stride: stride, padding: kernel / 2, bias: false);
        bn = nn.BatchNorm2d(output, eps: Epsilon);
        RegisterComponents();
    }

    /// <summary>Convolution stride (square).</summary>
    public long Stride => conv.stride[0];

    /// <summary>Convolution padding on every side.</summary>
    public long Padding => conv.kernel_size[0] / 2;

    /// <summary>Convolution kernel size (square).</summary>
    public long Kernel => conv.kernel_size[0];

    /// <summary>Convolution weight [out, in, k, k].</summary>
    public Tensor Weight => conv.weight!;

    /// <summary>Batch-norm scale, shift, running mean and running variance, in ONNX input order.</summary>
    public Tensor[] NormParameters => [bn.weight!, bn.bias!, bn.running_mean!, bn.running_var!];

    public override Tensor forward(Tensor x) => bn.call(conv.call(x));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv.Dispose();
            bn.Dispose();
        }
        base.Dispose(disposing);
    }
}
