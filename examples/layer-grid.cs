#:project ../src/UnIT.Onnx/UnIT.Onnx.csproj
// Every combination of per-layer percentiles, each measured on a validation and a test set: an exhaustive check of
// what `unit-prune search` finds greedily. Calibration uses the validation images, as the README's MNIST search does.
//
//   dotnet run examples/layer-grid.cs -- MODEL VAL_IMAGES VAL_LABELS TEST_IMAGES TEST_LABELS LAYER=P,P,... [LAYER=P,...]
//       [--bias-correction] [--max-drop D] [--save-thresholds FILE] [--validation-range A:B] [--test-range A:B]
//
// A layer not named runs at percentile 0. Prints one line per combination, then the one with the most MACs skipped
// among those within D points on validation under the search's rule (drop + 2 SE <= D), and the same on test.
// --save-thresholds writes the first one's thresholds (for unit-prune evaluate / export-c --thresholds); it never
// replaces an existing file. The ranges pick samples of the files (END exclusive), e.g. MNIST's unseen training
// digits with --test-range 10000:60000 (tools/fetch-mnist.sh).
using System.Globalization;
using UnIT.ML.Data;
using UnIT.ML.Evaluation;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;
using UnIT.Onnx;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
try
{
    List<string> rest = [.. args];
    bool biasCorrection = rest.Remove("--bias-correction");
    double maxDrop = double.Parse(TakeValue(rest, "--max-drop") ?? "1", CultureInfo.InvariantCulture);
    string? savePath = TakeValue(rest, "--save-thresholds");
    RangeSpec? validationRange = TakeValue(rest, "--validation-range") is { } v ? RangeSpec.Parse(v, "--validation-range") : null;
    RangeSpec? testRange = TakeValue(rest, "--test-range") is { } t ? RangeSpec.Parse(t, "--test-range") : null;
    if (savePath is not null && File.Exists(savePath))
    {
        throw new IOException($"'{savePath}' exists; give a new file for --save-thresholds.");
    }
    if (rest.Count < 6)
    {
        Console.Error.WriteLine("usage: layer-grid.cs MODEL VAL_IMAGES VAL_LABELS TEST_IMAGES TEST_LABELS LAYER=P,P,... [LAYER=P,...] " +
            "[--bias-correction] [--max-drop D] [--save-thresholds FILE] [--validation-range A:B] [--test-range A:B]");
        return 2;
    }
    ModelGraph graph = OnnxImporter.Import(rest[0]);
    SampleSet validation = DatasetLoader.Load(rest[1], rest[2], validationRange, null, graph.Input.Shape);
    SampleSet test = DatasetLoader.Load(rest[3], rest[4], testRange, null, graph.Input.Shape);
    (string Layer, double[] Levels)[] axes = [.. rest.Skip(5).Select(a => a.Split('=') is [{ Length: > 0 } layer, { } levels]
        ? (layer, levels.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
        : throw new FormatException($"'{a}' is not LAYER=P,P,..."))];
    List<Tensor> calibration = [.. validation.Batches(graph.Input.Shape, 250)];
    Set[] sets = [new("validation", validation, graph), new("test", test, graph)];

    var results = new List<(double[] Levels, Measured[] Sets, ThresholdSet Thresholds)>();
    foreach (double[] levels in Combinations(axes.Select(a => a.Levels).ToArray()))
    {
        var options = new PruningOptions
        {
            Percentile = 0,
            LayerPercentiles = axes.Select((a, i) => (a.Layer, levels[i])).ToDictionary(x => x.Layer, x => x.Item2),
            BiasCorrection = biasCorrection,
        };
        PrunedModel model = PrunedModel.Create(graph, options, calibration);
        Measured[] measured = [.. sets.Select(s => s.Measure(model))];
        results.Add((levels, measured, model.Thresholds));
        Console.WriteLine($"{string.Join(" ", levels)}  {string.Join("  ", measured.Select((m, i) => $"{sets[i].Name} {m}"))}");
    }
    foreach ((string rule, Func<Measured[], bool> within, bool save) in new (string, Func<Measured[], bool>, bool)[]
    {
        ($"validation drop + 2 SE <= {maxDrop}", m => m[0].Drop + 2 * m[0].StandardError <= maxDrop, true),
        ($"test drop <= {maxDrop} (a check, not a result: chosen on the test set)", m => m[1].Drop <= maxDrop, false),
    })
    {
        var best = results.Where(r => within(r.Sets)).OrderByDescending(r => r.Sets[1].Skipped).FirstOrDefault();
        Console.WriteLine(best.Sets is null
            ? $"best with {rule}: none"
            : $"best with {rule}: {string.Join(", ", axes.Select((a, i) => $"{a.Layer} p={best.Levels[i]}"))}; validation {best.Sets[0]}; test {best.Sets[1]}");
        if (save && savePath is not null && best.Thresholds is not null)
        {
            best.Thresholds.Save(savePath);
            Console.WriteLine($"Wrote its thresholds to '{savePath}'.");
        }
    }
    return 0;
}
catch (Exception e) when (e is ArgumentException or FormatException or IOException or DatasetException or GraphException or OnnxImportException)
{
    // Bad arguments or files: one line naming the problem, as unit-prune gives.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// Removes "--name VALUE" from the arguments and returns VALUE, or null when the option is absent.
static string? TakeValue(List<string> args, string name)
{
    int at = args.IndexOf(name);
    if (at < 0)
    {
        return null;
    }
    if (at + 1 == args.Count)
    {
        throw new FormatException($"{name} needs a value.");
    }
    string value = args[at + 1];
    args.RemoveRange(at, 2);
    return value;
}

static IEnumerable<double[]> Combinations(double[][] axes) => axes.Length == 0
    ? [[]]
    : Combinations(axes[1..]).SelectMany(tail => axes[0].Select(l => (double[])[l, .. tail]));

/// <summary>Accuracy drop in points with its paired standard error, and the share of MACs skipped in percent.</summary>
internal readonly record struct Measured(double Drop, double StandardError, double Skipped)
{
    public override string ToString() => $"drop {Drop:F2} ± {StandardError:F2} pts, {Skipped:F2}% skipped";
}

/// <summary>A labelled set with its dense logits, computed once.</summary>
internal sealed class Set(string name, SampleSet samples, ModelGraph graph)
{
    private readonly Tensor _images = samples.ToTensor(graph.Input.Shape);
    private readonly float[] _dense = Evaluator.DenseLogits(graph, samples.ToTensor(graph.Input.Shape));

    public string Name { get; } = name;

    public Measured Measure(PrunedModel model)
    {
        EvaluationResult r = Evaluator.Evaluate(model, _images, samples.Labels!, _dense);
        return new Measured(100 * r.AccuracyDrop, 100 * r.AccuracyDropStandardError, 100 * r.Statistics.SkippedFraction);
    }
}
