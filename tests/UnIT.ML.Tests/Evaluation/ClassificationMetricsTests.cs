using UnIT.ML.Evaluation;

namespace UnIT.ML.Tests.Evaluation;

[TestClass]
public sealed class ClassificationMetricsTests
{
    [TestMethod]
    public void A_row_with_a_nan_logit_predicts_no_class_and_is_never_correct()
    {
        float[] logits = [5, 1, 0, /* NaN row */ float.NaN, 0, 0, /* NaN after the max */ 9, float.NaN, 0, /* tie */ 2, 2, 1];

        int[] predicted = ClassificationMetrics.ArgMax(logits, 3);
        ClassificationMetrics m = ClassificationMetrics.Compute(predicted, [0, 0, 0, 0]);

        CollectionAssert.AreEqual(new[] { 0, ClassificationMetrics.NoClass, ClassificationMetrics.NoClass, 0 }, predicted);
        Assert.AreEqual(0.5, m.Accuracy);
        // Class 0: 2 true positives, 2 false negatives (the NaN rows), no false positive: F1 = 4 / 6.
        Assert.AreEqual(4.0 / 6.0, m.F1Macro, 1e-12);
    }
}
