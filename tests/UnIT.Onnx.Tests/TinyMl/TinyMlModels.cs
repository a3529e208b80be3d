namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// The MLPerf Tiny reference architectures, rebuilt layer by layer with seeded weights: ResNet-8 (image
/// classification, CIFAR-10), DS-CNN (keyword spotting on 49x10 MFCCs), MobileNetV1 0.25 (visual wake
/// words, 96x96) and the fully connected autoencoder (anomaly detection, 640 features). Padding follows
/// the Keras "same" rule the references were trained with (extra row/column at the end for stride 2).
/// </summary>
internal static class TinyMlModels
{
    private const string Nxp = "NXP eIQ Model Zoo model cards of the MLPerf Tiny reference models";

    /// <summary>The four models by name, built once.</summary>
    public static IReadOnlyDictionary<string, TinyMlModel> All { get; } = new[] { ResNet8(), DsCnn(), MobileNetV1(), AutoEncoder() }
        .ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The model names as MSTest dynamic data rows.</summary>
    public static IEnumerable<object[]> Names => All.Keys.Select(n => new object[] { n });

    /// <summary>ResNet-8: a 3x3 stem and three residual stacks of 16, 32 and 64 filters (1x1 stride-2 shortcuts), average pool, dense 10.</summary>
    /// <param name="side">Image height and width: 32 for CIFAR-10; smaller for fast tests of the same topology.</param>
    public static TinyMlModel ResNet8(int side = 32)
    {
        var net = new TinyMlNet(side == 32 ? "resnet8" : $"resnet8_{side}x{side}", 3, side, side);
        int[] same = [1, 1, 1, 1], down = [0, 0, 1, 1], none = [0, 0, 0, 0];
        string x = net.Conv("stem", "x", 16, 3, 3, 1, same);
        string y = net.Conv("s1_conv1", x, 16, 3, 3, 1, same);
        y = net.Conv("s1_conv2", y, 16, 3, 3, 1, same, activation: null);
        x = net.Add("s1_add", x, y);
        foreach ((string stack, int filters) in new[] { ("s2", 32), ("s3", 64) })
        {
            y = net.Conv($"{stack}_conv1", x, filters, 3, 3, 2, down);
            y = net.Conv($"{stack}_conv2", y, filters, 3, 3, 1, same, activation: null);
            string shortcut = net.Conv($"{stack}_shortcut", x, filters, 1, 1, 2, none, batchNorm: false, activation: null);
            x = net.Add($"{stack}_add", shortcut, y);
        }
        string logits = net.Dense("fc", net.PoolAndFlatten("pool", x), 10);
        return net.Build(net.Softmax(logits), publishedMacs: 25e6 / 2, publishedParameters: 78_666, $"{Nxp} (Tiny ResNet: 25 MOPS, 78,666 parameters)");
    }

    /// <summary>DS-CNN: a 10x4 stride-2 stem of 64 filters, four depthwise-separable blocks, average pool, dense 12.</summary>
    public static TinyMlModel DsCnn()
    {
        var net = new TinyMlNet("dscnn", 1, 49, 10);
        // Keras "same" for a 10x4 kernel at stride 2 on 49x10: 9 rows (4 before, 5 after) and 2 columns of padding.
        string x = net.Conv("stem", "x", 64, 10, 4, 2, [4, 1, 5, 1]);
        for (int i = 1; i <= 4; i++)
        {
            x = net.Depthwise($"b{i}_dw", x, 1, [1, 1, 1, 1]);
            x = net.Conv($"b{i}_pw", x, 64, 1, 1, 1, [0, 0, 0, 0]);
        }
        string logits = net.Dense("fc", net.PoolAndFlatten("pool", x), 12);
        return net.Build(net.Softmax(logits), publishedMacs: 5e6 / 2, publishedParameters: 23_756, $"{Nxp} (keyword spotting DS-CNN: 5 MOPS, 23,756 parameters)");
    }

    /// <summary>MobileNetV1 at width 0.25 on 96x96x3: a stride-2 stem of 8 filters, 13 depthwise-separable blocks with Relu6, global pool, dense 2.</summary>
    public static TinyMlModel MobileNetV1()
    {
        var net = new TinyMlNet("mobilenet_v1_025", 3, 96, 96);
        string x = net.Conv("stem", "x", 8, 3, 3, 2, [0, 0, 1, 1], activation: "relu6");
        (int Filters, int Stride)[] blocks =
            [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1), (128, 1), (128, 1), (128, 1), (256, 2), (256, 1)];
        for (int i = 0; i < blocks.Length; i++)
        {
            (int filters, int stride) = blocks[i];
            x = net.Depthwise($"b{i + 1}_dw", x, stride, stride == 2 ? [0, 0, 1, 1] : [1, 1, 1, 1], "relu6");
            x = net.Conv($"b{i + 1}_pw", x, filters, 1, 1, 1, [0, 0, 0, 0], activation: "relu6");
        }
        string logits = net.Dense("fc", net.PoolAndFlatten("pool", x, global: true), 2);
        return net.Build(net.Softmax(logits), publishedMacs: 15e6 / 2, publishedParameters: 221_794, $"{Nxp} (visual wake words MobileNet: 15 MOPS, 221,794 parameters)");
    }

    /// <summary>The anomaly-detection autoencoder: 640 -> 4 x (dense 128, BN, Relu) -> dense 8 (BN, Relu) -> 4 x (dense 128, BN, Relu) -> dense 640.</summary>
    public static TinyMlModel AutoEncoder()
    {
        var net = new TinyMlNet("fc_autoencoder", 640);
        string x = "x";
        int layer = 0;
        foreach (int width in new[] { 128, 128, 128, 128, 8, 128, 128, 128, 128 })
        {
            x = net.Dense($"fc{++layer}", x, width, batchNorm: true, activation: "relu");
        }
        string output = net.Dense("fc_out", x, 640);
        return net.Build(output, publishedMacs: 0.528e6 / 2, publishedParameters: 267_928, $"{Nxp} (anomaly detection deep autoencoder: 0.528 MOPS, 267,928 parameters)");
    }
}
