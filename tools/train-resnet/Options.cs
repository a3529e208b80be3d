using System.Globalization;

namespace UnIT.Tools.TrainResnet;

/// <summary>Command-line options of train-resnet.</summary>
internal sealed record Options(string Data, string Out, int Epochs, int Seed, int BatchSize, double MaxLearningRate, int TrainCount, bool Force)
{
    public const string Usage =
        "usage: train-resnet [--data DIR] [--out FILE] [--epochs N] [--seed N] [--batch N] [--lr X] [--train-count N] [--force]";

    /// <summary>Training images 0..54,999; 55,000..59,999 are left for the project's calibration and search.</summary>
    public const int MaxTrainCount = 55_000;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public static Options Parse(string[] args)
    {
        string data = Environment.GetEnvironmentVariable("UNIT_FASHION_MNIST_DIR") is { Length: > 0 } env ? env : "/usr/share/datasets/fashion-mnist";
        var options = new Options(data, "models/fashion_mnist_resnet.onnx", 2, 1, 128, 0.1, MaxTrainCount, false);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"option {args[i]} needs a value. {Usage}");
            int Int() { string v = Next(); return int.TryParse(v, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"option {args[i - 1]}: '{v}' is not a positive integer."); }
            options = args[i] switch
            {
                "--data" => options with { Data = Next() },
                "--out" => options with { Out = Next() },
                "--epochs" => options with { Epochs = Int() },
                "--seed" => options with { Seed = Int() },
                "--batch" => options with { BatchSize = Int() },
                "--lr" => options with { MaxLearningRate = double.TryParse(Next(), CultureInfo.InvariantCulture, out double lr) && lr > 0 ? lr : throw new ArgumentException($"option --lr: '{args[i]}' is not a positive number.") },
                "--train-count" => options with { TrainCount = Int() is var n && n <= MaxTrainCount ? n : throw new ArgumentException($"option --train-count: at most {MaxTrainCount} (images from {MaxTrainCount} on are kept for calibration).") },
                "--force" => options with { Force = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'. {Usage}"),
            };
        }
        return options;
    }
}
