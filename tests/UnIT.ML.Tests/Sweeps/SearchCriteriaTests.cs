using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Sweeps;
using UnIT.ML.Tests.Kernels;

namespace UnIT.ML.Tests.Sweeps;

/// <summary>The search's generalization options: cross-validation, the selection-adjusted margin and the damage it ranks by.</summary>
[TestClass]
public sealed class SearchCriteriaTests
{
    private static readonly double[] Levels = [20, 40, 60, 80];

    [TestMethod]
    public void Run_CrossValidate_DecidesOnTheEvenSamples_AndAnswersWithinTheLimitOnTheOddOnes()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 20, ConfidenceZ = 0, CrossValidate = true };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        int n = SweepData.Labels.Count, even = (n + 1) / 2, odd = n / 2;
        foreach (SearchStep s in result.Trace)
        {
            // The even half's drop follows from the whole set's and the odd half's.
            double evenDrop = (n * s.Point.AccuracyDrop - odd * s.HoldoutDrop!.Value) / even;
            Assert.AreEqual(evenDrop <= 0.02 + 1e-9, s.Feasible, $"evaluation {s.Evaluation}");
            Assert.AreEqual(evenDrop, s.UpperBound, 1e-9, "z = 0: the bound is the even half's drop");
        }
        SearchStep chosen = result.Trace.First(s => s.LayerPercentiles.SequenceEqual(result.LayerPercentiles));
        Assert.IsTrue(chosen.Feasible);
        Assert.IsLessThanOrEqualTo(0.02 + 1e-12, chosen.HoldoutDrop!.Value);
        Assert.IsFalse(result.Trace.Any(s => s.Feasible && s.HoldoutDrop <= 0.02 + 1e-12 && s.Objective > chosen.Objective),
            "the answer is the best state feasible on both halves");
    }

    [TestMethod]
    public void Run_SelectionAdjustedMargin_WidensZWithTheEvaluations()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.03, Levels = Levels, Budget = 15, ConfidenceZ = 1, SelectionAdjustedMargin = true };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        foreach (SearchStep s in result.Trace)
        {
            double z = Math.Sqrt(1 + 2 * Math.Log(s.Evaluation));
            Assert.AreEqual(z, s.ConfidenceZ, 1e-12);
            Assert.AreEqual(s.Point.AccuracyDrop + z * s.Point.AccuracyDropStandardError!.Value <= 0.03 + 1e-12, s.Feasible, $"evaluation {s.Evaluation}");
            Assert.AreEqual(s.Point.AccuracyDrop + z * s.Point.AccuracyDropStandardError!.Value, s.UpperBound, 1e-12);
        }
        double last = Math.Sqrt(1 + 2 * Math.Log(result.Evaluations));
        Assert.IsLessThanOrEqualTo(0.03 + 1e-12, result.Validation.AccuracyDrop + last * result.Validation.AccuracyDropStandardError!.Value);
    }

    [TestMethod]
    public void Run_RankByTopChanges_RecordsAtLeastTheDisagreementsWithTheLabels()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 15, ConfidenceZ = 0, RankBy = SearchDamage.TopChanges };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        // Every lost or gained sample changed its top-1 class; a change between two wrong classes counts too.
        Assert.IsTrue(result.Trace.All(s => s.Damage * s.Point.Samples >= s.Point.SamplesLost + s.Point.SamplesGained - 1e-9));
        Assert.AreEqual(0, result.Trace[0].Damage, "every layer off changes nothing");
        Assert.IsTrue(result.Trace.Any(s => s.Damage > 0));
        Assert.IsLessThanOrEqualTo(0.02, result.Validation.AccuracyDrop);
    }

    [TestMethod]
    public void Run_ValidationShifts_MeasureOnTheCopiesToo_AndJudgeWithTheClusterError()
    {
        var options = new SearchOptions { MaxAccuracyDrop = 0.02, Levels = Levels, Budget = 8, ConfidenceZ = 1, ValidationShifts = 1 };

        SearchResult result = ThresholdSearch.Run(SweepData.Model, SweepData.Calibration, SweepData.Images, SweepData.Labels, options);

        Assert.AreEqual(2 * SweepData.Labels.Count, result.Validation.Samples);
        foreach (SearchStep s in result.Trace)
        {
            Assert.AreEqual(s.Point.AccuracyDrop + s.StandardError <= 0.02 + 1e-12, s.Feasible, $"evaluation {s.Evaluation}");
        }
        // An image and its copy mostly flip together, so the cluster error is above the one that takes them as independent.
        SearchStep last = result.Trace.MaxBy(s => s.Point.SamplesLost + s.Point.SamplesGained)!;
        Assert.IsGreaterThan(last.Point.AccuracyDropStandardError!.Value, last.StandardError);
    }

    [TestMethod]
    public void Run_ValidationShifts_MoveDigitsInTheirOwnHeightAndWidth_ForAModelThatTakesThemFlattened()
    {
        ModelGraph flat = TestGraphs.FullyConnected(784, 10, new Random(3));
        SampleSet validation = DatasetLoader.Load(SweepData.Asset("data", "fashion-mnist", "test-500-images-idx3-ubyte.gz"),
            SweepData.Asset("data", "fashion-mnist", "test-500-labels-idx1-ubyte.gz"), limit: 50);
        var options = new SearchOptions { MaxAccuracyDrop = 0.05, Levels = Levels, Budget = 4, ValidationShifts = 2 };

        SearchResult result = ThresholdSearch.Run(flat, validation.Batches(flat.Input.Shape, 25), validation.ToImages(flat.Input.Shape),
            validation.Labels!, options);

        Assert.AreEqual(150, result.Validation.Samples);
        Assert.IsNotEmpty(result.Trace);
    }
}
