using UnIT.Onnx.Tests.Helpers;
using static UnIT.Onnx.Tests.Helpers.OnnxAttr;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// Writes a tiny-ML network layer by layer into an <see cref="OnnxModelBuilder"/> with seeded weights
/// (He-uniform, so activations keep their scale through deep stacks) and inference-mode
/// BatchNormalization, tracking each value's [C,H,W] or [F] shape and counting the dense MACs of every
/// Conv and Gemm from the layer formulas, independently of the importer.
/// </summary>
internal sealed class TinyMlNet
{
    private readonly OnnxModelBuilder _b = new(13);
    private readonly Dictionary<string, int[]> _shapes = new(StringComparer.Ordinal);
    private int _seed;

    /// <summary>Starts a network whose input "x" has the per-sample shape <paramref name="sample"/> and a dynamic batch.</summary>
    public TinyMlNet(string name, params int[] sample)
    {
        Name = name;
        SampleShape = sample;
        _b.Input("x", [-1, .. sample.Select(d => (long)d)]);
        _shapes["x"] = sample;
    }

    /// <summary>The model's name in reports.</summary>
    public string Name { get; }

    /// <summary>The input's shape without the batch axis.</summary>
    public int[] SampleShape { get; }

    /// <summary>Dense MACs per sample of every Conv and Gemm added so far, from the layer formulas.</summary>
    public long ExpectedMacs { get; private set; }

    /// <summary>Dense MACs per sample of each Conv and Gemm by node name.</summary>
    public Dictionary<string, long> LayerMacs { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Conv (groups = input channels for depthwise) with bias, then optionally BatchNormalization and
    /// an activation ("relu", "relu6" or null). <paramref name="pads"/> is ONNX order: top, left, bottom, right.
    /// </summary>
    public string Conv(string name, string input, int outC, int kh, int kw, int stride, int[] pads, bool depthwise = false,
        bool batchNorm = true, string? activation = "relu")
    {
        int[] s = _shapes[input];
        int inC = s[0], groups = depthwise ? inC : 1;
        int outH = (s[1] + pads[0] + pads[2] - kh) / stride + 1, outW = (s[2] + pads[1] + pads[3] - kw) / stride + 1;
        int fanIn = inC / groups * kh * kw;
        float limit = MathF.Sqrt(6f / fanIn);
        long[] wDims = [outC, inC / groups, kh, kw];
        _b.Initializer($"{name}_w", wDims, TestData.Uniform(wDims, ++_seed, -limit, limit))
          .Initializer($"{name}_b", [outC], TestData.Uniform(outC, ++_seed, -0.1f, 0.1f))
          .NamedNode(name, "Conv", [input, $"{name}_w", $"{name}_b"], [$"{name}_y"],
              Ints("kernel_shape", kh, kw), Ints("strides", stride, stride), Ints("pads", pads.Select(p => (long)p).ToArray()), Int("group", groups));
        long macs = (long)outC * outH * outW * fanIn;
        LayerMacs[name] = macs;
        ExpectedMacs += macs;
        _shapes[$"{name}_y"] = [outC, outH, outW];
        return After(name, $"{name}_y", batchNorm, activation);
    }

    /// <summary>Depthwise 3x3 Conv (one filter per input channel), then BatchNormalization and an activation.</summary>
    public string Depthwise(string name, string input, int stride, int[] pads, string activation = "relu") =>
        Conv(name, input, _shapes[input][0], 3, 3, stride, pads, depthwise: true, activation: activation);

    /// <summary>Gemm (transB = 1, as PyTorch writes Linear) with bias, then optionally BatchNormalization and an activation.</summary>
    public string Dense(string name, string input, int outF, bool batchNorm = false, string? activation = null)
    {
        int inF = _shapes[input][0];
        float limit = MathF.Sqrt(6f / inF);
        _b.Initializer($"{name}_w", [outF, inF], TestData.Uniform(outF * inF, ++_seed, -limit, limit))
          .Initializer($"{name}_b", [outF], TestData.Uniform(outF, ++_seed, -0.1f, 0.1f))
          .NamedNode(name, "Gemm", [input, $"{name}_w", $"{name}_b"], [$"{name}_y"], Int("transB", 1));
        LayerMacs[name] = (long)inF * outF;
        ExpectedMacs += (long)inF * outF;
        _shapes[$"{name}_y"] = [outF];
        return After(name, $"{name}_y", batchNorm, activation);
    }

    /// <summary>Add of two run-time values of the same shape, then optionally Relu.</summary>
    public string Add(string name, string a, string b, bool relu = true)
    {
        CollectionAssert.AreEqual(_shapes[a], _shapes[b], $"{name}: the branches differ in shape");
        _b.NamedNode(name, "Add", [a, b], [$"{name}_y"]);
        _shapes[$"{name}_y"] = _shapes[a];
        return relu ? Activation($"{name}_relu", $"{name}_y", "relu") : $"{name}_y";
    }

    /// <summary>AveragePool over the whole remaining plane with an explicit kernel, then Flatten.</summary>
    public string PoolAndFlatten(string name, string input, bool global = false)
    {
        int[] s = _shapes[input];
        if (global)
        {
            _b.NamedNode(name, "GlobalAveragePool", [input], [$"{name}_y"]);
        }
        else
        {
            _b.NamedNode(name, "AveragePool", [input], [$"{name}_y"], Ints("kernel_shape", s[1], s[2]));
        }
        _b.NamedNode($"{name}_flat", "Flatten", [$"{name}_y"], [$"{name}_flat_y"], Int("axis", 1));
        _shapes[$"{name}_flat_y"] = [s[0]];
        return $"{name}_flat_y";
    }

    /// <summary>Softmax over the last axis.</summary>
    public string Softmax(string input)
    {
        _b.NamedNode("softmax", "Softmax", [input], ["probabilities"], Int("axis", -1));
        _shapes["probabilities"] = _shapes[input];
        return "probabilities";
    }

    /// <summary>The serialized model with <paramref name="output"/> as its only output.</summary>
    public TinyMlModel Build(string output, double publishedMacs, long publishedParameters, string published) =>
        new(Name, _b.Output(output).ToBytes(), SampleShape, ExpectedMacs, new Dictionary<string, long>(LayerMacs), publishedMacs, publishedParameters, published);

    private string After(string name, string value, bool batchNorm, string? activation)
    {
        if (batchNorm)
        {
            int c = _shapes[value][0];
            _b.Initializer($"{name}_bn_scale", [c], TestData.Uniform(c, ++_seed, 0.5f, 1.5f))
              .Initializer($"{name}_bn_bias", [c], TestData.Uniform(c, ++_seed, -0.2f, 0.2f))
              .Initializer($"{name}_bn_mean", [c], TestData.Uniform(c, ++_seed, -0.2f, 0.2f))
              .Initializer($"{name}_bn_var", [c], TestData.Uniform(c, ++_seed, 0.5f, 1.5f))
              .NamedNode($"{name}_bn", "BatchNormalization",
                  [value, $"{name}_bn_scale", $"{name}_bn_bias", $"{name}_bn_mean", $"{name}_bn_var"], [$"{name}_bn_y"], Float("epsilon", 1e-3f));
            _shapes[$"{name}_bn_y"] = _shapes[value];
            value = $"{name}_bn_y";
        }
        return activation is null ? value : Activation($"{name}_{activation}", value, activation);
    }

    private string Activation(string name, string input, string kind)
    {
        if (kind == "relu6")
        {
            // Relu6 as exporters write it: Clip with constant min and max inputs (opset >= 11).
            _b.Initializer($"{name}_min", [], [0f]).Initializer($"{name}_max", [], [6f])
              .NamedNode(name, "Clip", [input, $"{name}_min", $"{name}_max"], [$"{name}_y"]);
        }
        else
        {
            _b.NamedNode(name, "Relu", [input], [$"{name}_y"]);
        }
        _shapes[$"{name}_y"] = _shapes[input];
        return $"{name}_y";
    }
}
