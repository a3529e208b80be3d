using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace UnIT.Tools.TrainResnet;

/// <summary>
/// Trains the small residual network on Fashion-MNIST training images 0..54,999 (55,000..59,999 stay
/// untouched: the project calibrates and searches on them), writes it to ONNX with our own writer,
/// checks the file against TorchSharp with ONNX Runtime and reports test accuracy from ONNX Runtime.
/// </summary>
internal static class Program
{
    private const int TestCount = 10_000;
    private const int ParityCount = 1_000;
    private const int Pixels = 784;

    private static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
            if (File.Exists(options.Out) && !options.Force)
                throw new ArgumentException($"{options.Out} exists; pass --force to overwrite it.");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine("train-resnet: " + e.Message);
            return 2;
        }
        try
        {
            Run(options);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException)
        {
            Console.Error.WriteLine("train-resnet: " + e.Message);
            return 1;
        }
    }

    private static void Run(Options options)
    {
        var total = Stopwatch.StartNew();
        (float[] trainX, long[] trainY) = IdxImages.Load(options.Data, "train", 0, options.TrainCount);
        (float[] testX, long[] testY) = IdxImages.Load(options.Data, "t10k", 0, TestCount);
        (float mean, float std) = Moments(trainX);
        Console.WriteLine($"data: train 0..{options.TrainCount - 1} of {options.Data}, pixel mean {mean:R} std {std:R}; torch threads {get_num_threads()}");

        random.manual_seed(options.Seed);
        using var net = new ResidualNet(mean, std);
        var train = Stopwatch.StartNew();
        Train(net, trainX, trainY, options);
        train.Stop();
        Console.WriteLine($"training: {options.Epochs} epochs in {train.Elapsed.TotalSeconds:F0} s");

        net.eval();
        float[] torchLogits = TorchLogits(net, testX);
        Console.WriteLine($"TorchSharp test accuracy: {Accuracy(torchLogits, testY):P2} on {TestCount} images");

        byte[] model = OnnxWriter.Write(net);
        using var ort = new OrtCheck(model);
        float[] ortFirst = ort.Logits(testX, 0, ParityCount);
        float diff = 0, scale = 0;
        for (int i = 0; i < ortFirst.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(ortFirst[i] - torchLogits[i]));
            scale = Math.Max(scale, Math.Abs(torchLogits[i]));
        }
        Console.WriteLine($"ONNX Runtime vs TorchSharp on test images 0..{ParityCount - 1} (one batch): max abs diff {diff:E2} (largest |logit| {scale:F2})");
        float[] single = ort.Logits(testX, 0, 1);
        float singleDiff = single.Select((v, i) => Math.Abs(v - torchLogits[i])).Max();
        Console.WriteLine($"ONNX Runtime batch of 1 (symbolic batch axis): max abs diff {singleDiff:E2}");
        if (diff > 1e-4f * Math.Max(1f, scale) || singleDiff > 1e-4f * Math.Max(1f, scale))
            throw new InvalidOperationException("the ONNX file does not reproduce TorchSharp's logits; not written.");

        var ortLogits = new float[TestCount * 10];
        for (int start = 0; start < TestCount; start += ParityCount)
            ort.Logits(testX, start, ParityCount).CopyTo(ortLogits, start * 10);
        Console.WriteLine($"ONNX Runtime test accuracy: {Accuracy(ortLogits, testY):P2} on {TestCount} images");

        string? dir = Path.GetDirectoryName(Path.GetFullPath(options.Out));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        File.WriteAllBytes(options.Out, model);
        Console.WriteLine($"wrote {options.Out} ({model.Length:N0} bytes); total {total.Elapsed.TotalSeconds:F0} s");
    }

    private static void Train(ResidualNet net, float[] x, long[] y, Options options)
    {
        int count = y.Length;
        int steps = (count + options.BatchSize - 1) / options.BatchSize;
        using var optimizer = optim.SGD(net.parameters(), options.MaxLearningRate, momentum: 0.9, weight_decay: 5e-4, nesterov: true);
        var schedule = optim.lr_scheduler.OneCycleLR(optimizer, options.MaxLearningRate, total_steps: steps * options.Epochs);
        var rng = new Random(options.Seed);
        int[] order = Enumerable.Range(0, count).ToArray();
        var batchX = new float[options.BatchSize * Pixels];
        var batchY = new long[options.BatchSize];
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            net.train();
            rng.Shuffle(order);
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < count; start += options.BatchSize)
            {
                int n = Math.Min(options.BatchSize, count - start);
                for (int b = 0; b < n; b++)
                {
                    int s = order[start + b];
                    // Random horizontal flip, the only augmentation (seeded with the shuffle).
                    Span<float> dst = batchX.AsSpan(b * Pixels, Pixels);
                    x.AsSpan(s * Pixels, Pixels).CopyTo(dst);
                    if (rng.Next(2) == 1)
                        for (int r = 0; r < 28; r++)
                            dst.Slice(r * 28, 28).Reverse();
                    batchY[b] = y[s];
                }
                using var scope = NewDisposeScope();
                Tensor input = tensor(batchX.AsSpan(0, n * Pixels).ToArray(), [n, 1, 28, 28]);
                Tensor target = tensor(batchY.AsSpan(0, n).ToArray(), [n]);
                optimizer.zero_grad();
                Tensor logits = net.call(input);
                Tensor loss = nn.functional.cross_entropy(logits, target);
                loss.backward();
                optimizer.step();
                schedule.step();
                lossSum += loss.item<float>() * n;
                correct += (int)logits.argmax(1).eq(target).sum().item<long>();
                if ((start / options.BatchSize + 1) % 100 == 0)
                    Console.WriteLine($"  step {start / options.BatchSize + 1}/{steps}, {clock.Elapsed.TotalSeconds:F0} s");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{options.Epochs}: loss {lossSum / count:F4}, train accuracy {(double)correct / count:P2}, {clock.Elapsed.TotalSeconds:F0} s"));
        }
    }

    private static float[] TorchLogits(ResidualNet net, float[] x)
    {
        var result = new float[TestCount * 10];
        using var noGrad = no_grad();
        for (int start = 0; start < TestCount; start += ParityCount)
        {
            using var scope = NewDisposeScope();
            Tensor input = tensor(x.AsSpan(start * Pixels, ParityCount * Pixels).ToArray(), [ParityCount, 1, 28, 28]);
            net.call(input).data<float>().ToArray().CopyTo(result, start * 10);
        }
        return result;
    }

    private static double Accuracy(float[] logits, long[] labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(i * 10, 10);
            int best = 0;
            for (int k = 1; k < 10; k++)
                if (row[k] > row[best])
                    best = k;
            if (best == labels[i])
                correct++;
        }
        return (double)correct / labels.Length;
    }

    private static (float Mean, float Std) Moments(float[] pixels)
    {
        double sum = 0, squares = 0;
        foreach (float p in pixels)
        {
            sum += p;
            squares += (double)p * p;
        }
        double mean = sum / pixels.Length;
        return ((float)mean, (float)Math.Sqrt(squares / pixels.Length - mean * mean));
    }
}
