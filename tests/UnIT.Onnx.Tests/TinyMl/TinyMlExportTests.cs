using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.Onnx.Tests.Helpers;

namespace UnIT.Onnx.Tests.TinyMl;

/// <summary>
/// Writes the four models with seeded CSV data as the command line reads them, and checks that they load
/// back: the models with the same MACs, the rows in the models' input shapes. With UNIT_TINYML_EXPORT set
/// to a folder the files go there (docs/tinyml-models.md runs the CLI on them); otherwise to a temp folder.
/// </summary>
[TestClass]
public sealed class TinyMlExportTests
{
    public const string ExportVariable = "UNIT_TINYML_EXPORT";

    [TestMethod]
    public void TheModelsAndTheirDataLoadBackAsTheCommandLineReadsThem()
    {
        using var temp = new TempFolder();
        string folder = Environment.GetEnvironmentVariable(ExportVariable) is { Length: > 0 } chosen ? chosen : temp.Path;
        Directory.CreateDirectory(folder);
        foreach (TinyMlModel model in TinyMlModels.All.Values)
        {
            string onnx = Path.Combine(folder, $"{model.Name}.onnx");
            Assert.IsFalse(File.Exists(onnx), $"'{onnx}' exists; choose an empty folder rather than overwrite it");
            File.WriteAllBytes(onnx, model.Model);
            ModelGraph graph = OnnxImporter.Import(onnx);
            int size = graph.InputSampleSize, classes = graph.Outputs[0].Shape.SampleSize;
            TinyMlData.Csv(Path.Combine(folder, $"{model.Name}-calibration.csv"), 4, size, seed: 1);
            string images = TinyMlData.Csv(Path.Combine(folder, $"{model.Name}-images.csv"), 8, size, seed: 2);
            string labels = TinyMlData.Labels(Path.Combine(folder, $"{model.Name}-labels.csv"), 8, classes, seed: 3);

            Assert.AreEqual(model.ExpectedMacs, graph.TotalMacsPerSample, model.Name);
            SampleSet samples = DatasetLoader.Load(images, labels, range: null, limit: null, graph.Input.Shape, classes);
            Assert.AreEqual(8, samples.Count, model.Name);
            CollectionAssert.AreEqual(new[] { 8 }.Concat(model.SampleShape).ToArray(), samples.ToTensor(graph.Input.Shape).Shape.Dimensions.ToArray(), model.Name);
        }
    }
}
