using FashionMnistPipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.ML.Tests.MLNet;

/// <summary>
/// The shipped Fashion-MNIST slices and model as ML.NET data views. Also compiled into
/// UnIT.Onnx.Tests (linked), so both test projects read the data the same way.
/// </summary>
internal static class FashionMnistViews
{
    public const int Classes = 10;
    public const int Pixels = 28 * 28;

    /// <summary>The Fashion-MNIST class names in output order.</summary>
    public static readonly string[] FashionClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static string ModelPath => Asset("models", "fashion_mnist_cnn.onnx");

    /// <summary>The 1,000 calibration images (train 55000-55999).</summary>
    public static IDataView Calibration(MLContext ml, int? limit = null) =>
        Load(ml, "train-55000-55999-images-idx3-ubyte.gz", "train-55000-55999-labels-idx1-ubyte.gz", limit);

    /// <summary>The first 500 test images.</summary>
    public static IDataView Test(MLContext ml, int? limit = null) =>
        Load(ml, "test-500-images-idx3-ubyte.gz", "test-500-labels-idx1-ubyte.gz", limit);

    public static ModelGraph Model() => OnnxImporter.Import(ModelPath);

    /// <summary>Rows as a typed list, e.g. for prediction engines.</summary>
    public static List<ImageRow> Rows(MLContext ml, IDataView view) => ml.Data.CreateEnumerable<ImageRow>(view, reuseRowObject: false).ToList();

    /// <summary>The float vectors of one column, in row order.</summary>
    public static float[][] Column(IDataView view, string column)
    {
        DataViewSchema.Column c = view.Schema[column];
        using DataViewRowCursor cursor = view.GetRowCursor([c]);
        ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(c);
        var rows = new List<float[]>();
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(value.DenseValues().ToArray());
        }
        return rows.ToArray();
    }

    /// <summary>The keys of a key column as ML.NET stores them: k + 1 for the k-th value, 0 for missing.</summary>
    public static uint[] RawKeys(IDataView view, string column)
    {
        DataViewSchema.Column c = view.Schema[column];
        using DataViewRowCursor cursor = view.GetRowCursor([c]);
        ValueGetter<uint> getter = cursor.GetGetter<uint>(c);
        var keys = new List<uint>();
        uint key = 0;
        while (cursor.MoveNext())
        {
            getter(ref key);
            keys.Add(key);
        }
        return keys.ToArray();
    }

    public static float MaxAbsDifference(float[][] a, float[][] b)
    {
        Assert.HasCount(a.Length, b);
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.HasCount(a[i].Length, b[i], $"row {i}");
            for (int j = 0; j < a[i].Length; j++)
            {
                max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    /// <summary>PredictedLabel (a key, as the evaluator wants) = argmax of Score, by the example's own mapping.</summary>
    public static IEstimator<ITransformer> ArgMax(MLContext ml) =>
        ml.Transforms.CustomMapping<ArgMaxMapping.Input, ArgMaxMapping.Output>(ArgMaxMapping.Map, ArgMaxMapping.ContractName);

    private static IDataView Load(MLContext ml, string images, string labels, int? limit)
    {
        SampleSet set = DatasetLoader.Load(Asset("data", "fashion-mnist", images), Asset("data", "fashion-mnist", labels), limit: limit);
        var rows = new ImageRow[set.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new ImageRow { Features = set.Sample(i).ToArray(), Label = set.Labels![i] };
        }
        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>A file the test project copies from the repository (models/, data/).</summary>
    public static string Asset(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "assets", .. parts]);

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    public sealed class ImageRow
    {
        [VectorType(Pixels)]
        public float[] Features { get; set; } = [];

        /// <summary>The class 0..9; the multiclass evaluator reads a Single label as the class index.</summary>
        public float Label { get; set; }
    }
}
