using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using UnIT.ML.MLNet;
using UnIT.Onnx.MLNet;
using static UnIT.ML.Tests.MLNet.FashionMnistViews;

namespace UnIT.Onnx.Tests.MLNet;

[TestClass]
public sealed class SeparateProcessSaveLoadTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void ModelSavedHereScoresIdenticallyWhenLoadedInAnotherProcess()
    {
        // Arrange: fit and score here, then save with ML.NET's own Save.
        var ml = new MLContext(seed: 1);
        var options = new UnitPruningOptions { Percentile = 50, GroupWise = true, EmitStatistics = true };
        ITransformer model = ml.Transforms.ApplyUnitPruning(options, ModelPath).Fit(Calibration(ml));
        IDataView test = Test(ml);
        float[][] here = Column(model.Transform(test), "Score");
        string dir = Directory.CreateTempSubdirectory("unit-saveload-").FullName;
        string zip = Path.Combine(dir, "model.zip"), scores = Path.Combine(dir, "scores.txt");
        ml.Model.Save(model, test.Schema, zip);

        // Act: a fresh process that references UnIT.ML but not the ONNX importer loads and scores.
        string images = Path.Combine(AppContext.BaseDirectory, "assets", "data", "fashion-mnist", "test-500-images-idx3-ubyte.gz");
        (int exitCode, string output) = RunHost(zip, images, scores);
        float[][] there = File.ReadAllLines(scores)
            .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

        // Assert
        TestContext.WriteLine(output);
        Assert.AreEqual(0, exitCode, output);
        Assert.HasCount(500, there);
        Assert.AreEqual(0f, MaxAbsDifference(here, there), "Scores must be bit-identical across processes.");
        Directory.Delete(dir, recursive: true);
    }

    private (int ExitCode, string Output) RunHost(params string[] args)
    {
        // The host is a referenced project: its dll and runtimeconfig sit next to the test assembly.
        string host = Path.Combine(AppContext.BaseDirectory, "UnIT.SaveLoadHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "exec", host }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.CancellationTokenSource.Token);
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
