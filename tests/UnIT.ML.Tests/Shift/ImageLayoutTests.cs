using UnIT.ML.Graph;
using UnIT.ML.Shift;
using UnIT.ML.Sweeps;
using UnIT.ML.Tests.Sweeps;

namespace UnIT.ML.Tests.Shift;

[TestClass]
public sealed class ImageLayoutTests
{
    /// <summary>The same model as a channels-last export: input [N, H, W, C], transposed to [N, C, H, W] first.</summary>
    private static ModelGraph ChannelsLast(ModelGraph model)
    {
        Shape s = model.Input.Shape;
        return new ModelGraph(new ValueInfo("nhwc", new Shape(s[0], s[2], s[3], s[1])),
            [new TransposeNode("to_nchw", "nhwc", model.Input.Name, [0, 3, 1, 2]), .. model.Nodes], [.. model.Outputs.Select(o => o.Name)], model.Name + "_nhwc");
    }

    [TestMethod]
    public void A_channels_last_batch_becomes_images_with_each_value_at_its_channel_row_and_column_and_back()
    {
        ModelGraph nhwc = ChannelsLast(SweepData.Model);
        float[] values = [.. Enumerable.Range(0, 2 * 2 * 3 * 1).Select(i => (float)i)];
        var batch = new Tensor(new Shape(1, 2, 3, 2), values); // [N, H=2, W=3, C=2]

        Tensor images = ImageLayout.ToImages(nhwc, batch);

        CollectionAssert.AreEqual(new[] { 0, 3, 1, 2 }, ImageLayout.InputPermutation(nhwc));
        Assert.IsNull(ImageLayout.InputPermutation(SweepData.Model));
        Assert.AreEqual(new Shape(1, 2, 2, 3), images.Shape);
        for (int c = 0; c < 2; c++)
        {
            for (int h = 0; h < 2; h++)
            {
                for (int w = 0; w < 3; w++)
                {
                    Assert.AreEqual(values[(h * 3 + w) * 2 + c], images.Data[(c * 2 + h) * 3 + w]);
                }
            }
        }
        CollectionAssert.AreEqual(values, ImageLayout.ToModelInput(nhwc, images).Data);
        Assert.AreSame(batch, ImageLayout.ToImages(SweepData.Model, batch));
    }

    [TestMethod]
    public void The_permutation_is_found_after_elementwise_steps_in_the_inputs_own_layout_but_not_past_other_readers()
    {
        ModelGraph model = SweepData.Model;
        Shape s = model.Input.Shape;
        var nhwc = new ValueInfo("nhwc", new Shape(s[0], s[2], s[3], s[1]));
        Node[] scaled = [new ElementwiseNode("scale", "nhwc", "scaled", ElementwiseOp.Mul, new Tensor(new Shape(1), [1f]), false),
            new ActivationNode("relu", "scaled", "r", ActivationKind.Relu), new TransposeNode("to_nchw", "r", model.Input.Name, [0, 3, 1, 2])];

        var behindSteps = new ModelGraph(nhwc, [.. scaled, .. model.Nodes], [.. model.Outputs.Select(o => o.Name)]);

        CollectionAssert.AreEqual(new[] { 0, 3, 1, 2 }, ImageLayout.InputPermutation(behindSteps));
        Assert.IsNull(ImageLayout.InputPermutation(new ModelGraph(new ValueInfo("x", new Shape(s[0], 28, 28, 28)),
            [new ActivationNode("relu", "x", "r", ActivationKind.Relu), new TransposeNode("t1", "r", "a", [0, 3, 1, 2]), new TransposeNode("t2", "r", "b", [0, 2, 3, 1]),
             new BinaryNode("add", "a", "b", "y", ElementwiseOp.Add)], ["y"])), "two readers that disagree");
    }

    [TestMethod]
    public void Shift_rotates_and_occludes_a_channels_last_models_digits_as_images_giving_the_channels_first_models_results()
    {
        ModelGraph nhwc = ChannelsLast(SweepData.Model);
        var options = new ShiftOptions { Percentile = 50, Kinds = [ShiftKind.Rotation, ShiftKind.Occlusion], MatchSteps = 3 };

        ShiftResult first = ShiftComparison.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);
        ShiftResult last = ShiftComparison.Run(nhwc, SweepData.Calibration.Select(b => ImageLayout.ToModelInput(nhwc, b)), SweepData.Images,
            SweepData.Labels, options);

        Assert.HasCount(first.Rows.Count, last.Rows);
        for (int i = 0; i < first.Rows.Count; i++)
        {
            Assert.AreEqual(first.Rows[i].Unit.DenseAccuracy, last.Rows[i].Unit.DenseAccuracy, $"row {i}");
            Assert.AreEqual(first.Rows[i].Unit.Accuracy, last.Rows[i].Unit.Accuracy, $"row {i}");
            Assert.AreEqual(first.Rows[i].Unit.SkippedFraction, last.Rows[i].Unit.SkippedFraction, 1e-12, $"row {i}");
        }
    }

    [TestMethod]
    public void Search_moves_a_channels_last_models_validation_digits_in_their_height_and_width()
    {
        ModelGraph nhwc = ChannelsLast(SweepData.Model);
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = [0, 30, 60], Budget = 5, ValidationShifts = 2 };

        SearchResult first = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);
        SearchResult last = ThresholdSearch.Run(nhwc, SweepData.Calibration.Select(b => ImageLayout.ToModelInput(nhwc, b)), SweepData.Images,
            SweepData.Labels, options);

        CollectionAssert.AreEqual(first.Trace.Select(s => s.Point.Accuracy).ToArray(), last.Trace.Select(s => s.Point.Accuracy).ToArray());
        CollectionAssert.AreEqual(first.Trace.Select(s => s.Point.SkippedFraction).ToArray(), last.Trace.Select(s => s.Point.SkippedFraction).ToArray());
    }
}
