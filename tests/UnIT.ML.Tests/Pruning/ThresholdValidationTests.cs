using UnIT.ML.Division;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Pruning;

/// <summary>Thresholds, Q formats and division settings are checked where they enter: file, API and engine.</summary>
[TestClass]
public sealed class ThresholdValidationTests
{
    private static (ModelGraph Graph, Tensor Batch) Model()
    {
        var rng = new Random(9);
        ModelGraph graph = TestGraphs.Conv(1, 1, 8, 8, 2, 3, 3, [1, 1], [0, 0], [0, 0], [1, 1], 1, rng);
        return (graph, new Tensor(graph.Input.Shape.WithBatch(3), TestGraphs.Random(rng, 3 * graph.InputSampleSize, 0.2)));
    }

    [TestMethod]
    public void Loading_a_missing_file_or_a_folder_says_which()
    {
        string folder = Directory.CreateTempSubdirectory("unit-thresholds").FullName;

        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => ThresholdSet.Load(Path.Combine(folder, "none.json")));
        var isFolder = Assert.ThrowsExactly<FileNotFoundException>(() => ThresholdSet.Load(folder));

        StringAssert.Contains(missing.Message, "none.json' does not exist");
        StringAssert.Contains(isFolder.Message, "is a folder");
    }

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(-0.5f)]
    [DataRow(float.PositiveInfinity)]
    public void Invalid_thresholds_through_the_api_are_refused(float t)
    {
        (ModelGraph graph, Tensor batch) = Model();
        var set = ThresholdSet.Explicit(new Dictionary<string, float> { ["conv"] = t });

        var e = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(graph, new PruningOptions { Thresholds = set }, [batch]));
        StringAssert.Contains(e.Message, "conv");
        Assert.ThrowsExactly<ArgumentException>(() => new UnIT.ML.Engine.InferenceEngine(graph, new PruningConfiguration { Thresholds = set }));
    }

    [TestMethod]
    public void A_set_missing_a_layer_or_naming_an_unknown_one_is_refused()
    {
        (ModelGraph graph, Tensor batch) = Model();

        var missing = Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Thresholds = new ThresholdSet() }, [batch]));
        StringAssert.Contains(missing.Message, "no thresholds for layer(s) 'conv'");
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(graph,
            new PruningOptions { Thresholds = ThresholdSet.Explicit(new Dictionary<string, float> { ["conv"] = 0.1f, ["conv2"] = 0.1f }) }, [batch]));
        StringAssert.Contains(unknown.Message, "'conv2'");
        var count = Assert.ThrowsExactly<ArgumentException>(() => PrunedModel.Create(graph,
            new PruningOptions { Thresholds = new ThresholdSet { Layers = { ["conv"] = [0.1f, 0.2f, 0.3f] } } }, [batch]));
        StringAssert.Contains(count.Message, "3 thresholds");
    }

    [TestMethod]
    public void Threshold_json_with_duplicate_keys_or_bad_values_is_refused()
    {
        const string duplicate = """{ "format_version": 1, "layers": { "conv": [0.1], "conv": [0.9] } }""";
        const string negative = """{ "format_version": 1, "layers": { "conv": [-1] } }""";
        const string nan = """{ "format_version": 1, "layers": { "conv": ["NaN"] } }""";
        const string empty = """{ "format_version": 1, "layers": null }""";

        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(duplicate)).Message, "conv");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(negative)).Message, "-1");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(nan)).Message, "NaN");
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(empty)).Message, "layers");
    }

    [TestMethod]
    public void Out_of_range_q_formats_are_refused_in_files_and_through_the_api()
    {
        (ModelGraph graph, Tensor batch) = Model();
        PrunedModel fitted = PrunedModel.Create(graph, new PruningOptions { Profile = "msp430" }, [batch]);
        QuantizationPlan plan = fitted.Thresholds.Quantization!;
        ThresholdSet With(Action<QuantizationPlan> edit)
        {
            var copy = new QuantizationPlan { Values = new(plan.Values), Weights = new(plan.Weights) };
            edit(copy);
            return fitted.Thresholds with { Quantization = copy };
        }

        ThresholdSet inputQ100 = With(q => q.Values["x"] = 100);
        ThresholdSet weightsQMinus1 = With(q => q.Weights["conv"] = -1);
        ThresholdSet noOutput = With(q => q.Values.Remove("y"));

        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => ThresholdSet.FromJson(inputQ100.ToJson())).Message, "100");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Thresholds = weightsQMinus1 }, null)).Message, "'conv'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Profile = "msp430", Thresholds = noOutput }, null)).Message, "'y'");
    }

    [TestMethod]
    public void Division_settings_are_reachable_from_the_options_and_saved_with_the_thresholds()
    {
        (ModelGraph graph, Tensor batch) = Model();

        PrunedModel shifted = PrunedModel.Create(graph, new PruningOptions { Division = "bitshift", BitShiftStartingShift = 2 }, [batch]);
        PrunedModel tree = PrunedModel.Create(graph, new PruningOptions { Division = "binarytree", CalibrateBinaryTree = true, Profile = "msp430" }, [batch]);
        ThresholdSet shiftedBack = ThresholdSet.FromJson(shifted.Thresholds.ToJson());
        ThresholdSet treeBack = ThresholdSet.FromJson(tree.Thresholds.ToJson());
        PrunedModel reloaded = PrunedModel.Create(graph, new PruningOptions { Thresholds = treeBack, Profile = "msp430" }, null);

        Assert.AreEqual(2, ((BitShiftDivision)shifted.Division).StartingShiftCount);
        Assert.AreEqual(2, shiftedBack.DivisionSettings!.StartingShift);
        Assert.AreEqual("bitshift", PrunedModel.Create(graph, new PruningOptions { Thresholds = shiftedBack }, null).Division.Name);
        Assert.IsNotNull(treeBack.DivisionSettings!.PivotWeights);
        Assert.IsTrue(treeBack.DivisionSettings.IntegerPivots);
        Assert.AreEqual(((BinaryTreeDivision)tree.Division).IntegerTree.ToString(), ((BinaryTreeDivision)reloaded.Division).IntegerTree.ToString());
        Assert.AreNotEqual(new BinaryTreeDivision().IntegerTree.ToString(), ((BinaryTreeDivision)reloaded.Division).IntegerTree.ToString(),
            "the calibrated tree differs from the default one, so the round trip is meaningful");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Division = "exact", BitShiftStartingShift = 1 }, [batch])).Message, "bitshift");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            PrunedModel.Create(graph, new PruningOptions { Division = "bitmask", CalibrateBinaryTree = true }, [batch])).Message, "binarytree");
    }
}
