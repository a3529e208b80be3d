using System.Text.Json;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class InspectCommandTests
{
    [TestMethod]
    public void Json_FashionCnn_GivesTotalAndPerLayerMacs()
    {
        var run = Cli.Run("inspect", Cli.FashionModel, "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.AreEqual("fashion_mnist_cnn", root.GetProperty("model").GetString());
        Assert.AreEqual(242560, root.GetProperty("total_macs").GetInt64());
        JsonElement input = root.GetProperty("inputs")[0];
        Assert.AreEqual("input", input.GetProperty("name").GetString());
        CollectionAssert.AreEqual(new[] { -1, 1, 28, 28 }, input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
        Assert.AreEqual("logits", root.GetProperty("outputs")[0].GetProperty("name").GetString());
        JsonElement[] costly = root.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("macs").GetInt64() > 0).ToArray();
        CollectionAssert.AreEqual(new[] { 86400L, 153600L, 2560L }, costly.Select(l => l.GetProperty("macs").GetInt64()).ToArray());
        CollectionAssert.AreEqual(new[] { "Conv2d", "Conv2d", "Gemm" }, costly.Select(l => l.GetProperty("op").GetString()).ToArray());
        Assert.AreEqual(root.GetProperty("total_params").GetInt64(), root.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("params").GetInt64()));
        Assert.AreEqual(-1, costly[^1].GetProperty("output_shape")[0].GetInt32());
        // conv1's output and its Relu (6x24x24 each) are the most values live at once; a chain needs two buffers' worth.
        Assert.AreEqual(2L * 6 * 24 * 24, root.GetProperty("peak_live_values").GetInt64());
        Assert.AreEqual(2L * 6 * 24 * 24, root.GetProperty("arena_values").GetInt64());
    }

    [TestMethod]
    public void Json_ResidualModel_ListsEachNodesInputs()
    {
        var run = Cli.Run("inspect", Cli.ResNetModel, "--json");

        Assert.AreEqual(0, run.Code, run.Err);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement[] adds = doc.RootElement.GetProperty("layers").EnumerateArray().Where(l => l.GetProperty("op").GetString() == "Add").ToArray();
        Assert.AreEqual(3, adds.Length);
        Assert.IsTrue(adds.All(a => a.GetProperty("inputs").GetArrayLength() == 2));
        // The skip connection keeps a block's input alive beside the block's two convolutions: three 16x14x14 values at once.
        Assert.IsTrue(doc.RootElement.GetProperty("peak_live_values").GetInt64() >= 3L * 16 * 14 * 14);
    }

    [TestMethod]
    public void Table_FashionCnn_ListsLayersAndTotals()
    {
        var run = Cli.Run("inspect", Cli.FashionModel);

        Assert.AreEqual(0, run.Code, run.Err);
        Assert.Contains("Model 'fashion_mnist_cnn'", run.Out);
        Assert.Contains("Conv2d", run.Out);
        Assert.Contains("153,600", run.Out);
        Assert.Contains("242,560 MACs per sample", run.Out);
        Assert.DoesNotContain("\u001b[", run.Out);
    }

    [TestMethod]
    public void MissingModelFile_FailsWithOneLineNamingIt()
    {
        var run = Cli.Run("inspect", "/no/such/model.onnx");

        string line = Cli.SingleErrorLine(run);
        Assert.Contains("/no/such/model.onnx", line);
    }

    [TestMethod]
    public void TextFileAsModel_FailsWithOneLine()
    {
        string path = Cli.TempFile("notes.onnx", "this is not a model\nsecond line\n");

        string line = Cli.SingleErrorLine(Cli.Run("inspect", path, "--json"));

        Assert.Contains("notes.onnx", line);
    }
}
