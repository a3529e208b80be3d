using Google.Protobuf;
using UnIT.Onnx.Protos;

namespace UnIT.Cli.Tests;

/// <summary>
/// A channels-last export of a shipped model ([N, H, W, C] input, transposed to [N, C, H, W] first) must be shifted as
/// images, so every figure equals the channels-first model's.
/// </summary>
[TestClass]
public sealed class ChannelsLastModelTests
{
    private static readonly string Calibration = Cli.Asset("data/fashion-mnist/train-55000-55999-images-idx3-ubyte.gz");

    /// <summary>Writes <see cref="Cli.FashionModel"/> with its input as [N, H, W, C] and a Transpose [0, 3, 1, 2] in front.</summary>
    private static string ChannelsLastFashionModel()
    {
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Cli.FashionModel));
        GraphProto graph = model.Graph;
        ValueInfoProto input = graph.Input.Single(i => graph.Initializer.All(t => t.Name != i.Name));
        var dims = input.Type.TensorType.Shape.Dim;
        TensorShapeProto.Types.Dimension[] nchw = [.. dims];
        dims.Clear();
        dims.Add([nchw[0], nchw[2], nchw[3], nchw[1]]);
        graph.Node.Insert(0, new NodeProto
        {
            Name = "to_nchw",
            OpType = "Transpose",
            Input = { "nhwc" },
            Output = { input.Name },
            Attribute = { new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0, 3, 1, 2 } } },
        });
        input.Name = "nhwc";
        string path = Cli.TempFile("fashion_nhwc.onnx", "");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private static string[] Run(string command, string model, string outDir, string file, params string[] options)
    {
        var run = Cli.Run([command, model, "--calibration-images", Calibration, "--calibration-limit", "100", .. options, "--out", outDir]);
        Assert.AreEqual(0, run.Code, run.Err);
        return File.ReadAllLines(Path.Combine(outDir, file));
    }

    /// <summary>The trace's lines without the column that times each step.</summary>
    private static string[] WithoutWallTime(string[] csv)
    {
        int wall = Array.IndexOf(csv[0].Split(','), "wall_seconds");
        Assert.IsGreaterThanOrEqualTo(0, wall);
        return [.. csv.Select(line => string.Join(",", line.Split(',').Where((_, i) => i != wall)))];
    }

    [TestMethod]
    public void Shift_of_a_channels_last_export_gives_the_channels_first_models_rows()
    {
        string nhwc = ChannelsLastFashionModel();
        string folder = Path.GetDirectoryName(nhwc)!;
        string[] options = ["--images", Cli.FashionImages, "--labels", Cli.FashionLabels, "--limit", "150", "--shifts", "rotation,occlusion"];

        string[] first = Run("shift", Cli.FashionModel, Path.Combine(folder, "first"), "shift.csv", options);
        string[] last = Run("shift", nhwc, Path.Combine(folder, "last"), "shift.csv", options);

        Assert.HasCount(8, first); // the header, clean, and three strengths of each shift
        CollectionAssert.AreEqual(first, last);
    }

    [TestMethod]
    public void Search_with_validation_shifts_on_a_channels_last_export_takes_the_channels_first_models_steps()
    {
        string nhwc = ChannelsLastFashionModel();
        string folder = Path.GetDirectoryName(nhwc)!;
        string[] options = ["--validation-images", Cli.FashionImages, "--validation-labels", Cli.FashionLabels, "--validation-limit", "150",
            "--validation-shifts", "2", "--max-accuracy-drop", "0.02", "--budget", "6"];

        string[] first = Run("search", Cli.FashionModel, Path.Combine(folder, "first"), "search-trace.csv", options);
        string[] last = Run("search", nhwc, Path.Combine(folder, "last"), "search-trace.csv", options);

        Assert.IsGreaterThan(2, first.Length);
        CollectionAssert.AreEqual(WithoutWallTime(first), WithoutWallTime(last));
    }
}
