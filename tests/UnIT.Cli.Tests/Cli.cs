using UnIT.Cli;

namespace UnIT.Cli.Tests;

/// <summary>Runs the tool in-process and captures what it prints; paths to the shipped assets.</summary>
internal static class Cli
{
    public static string Asset(string relative) => Path.Combine(AppContext.BaseDirectory, "assets", relative);

    public static string FashionModel => Asset("models/fashion_mnist_cnn.onnx");
    public static string ResNetModel => Asset("models/fashion_mnist_resnet.onnx");

    public static string FashionImages => Asset("data/fashion-mnist/test-500-images-idx3-ubyte.gz");

    public static string FashionLabels => Asset("data/fashion-mnist/test-500-labels-idx1-ubyte.gz");

    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Asserts that the run failed with exit code <paramref name="code"/> and exactly one <c>error:</c> line; returns it.</summary>
    public static string SingleErrorLine((int Code, string Out, string Err) run, int code = ExitCodes.Failure)
    {
        Assert.AreEqual(code, run.Code, $"stdout: {run.Out}\nstderr: {run.Err}");
        string[] lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.HasCount(1, lines, run.Err);
        Assert.StartsWith("error: ", lines[0]);
        return lines[0];
    }

    /// <summary>Ends a test whose device tools are missing: Inconclusive, or a failure under CI=true, where .ci/run installs them.</summary>
    public static void MissingTools(string why)
    {
        if (Environment.GetEnvironmentVariable("CI")?.Trim().ToLowerInvariant() is "true" or "1")
        {
            Assert.Fail(why + " CI installs them (.ci/run).");
        }
        Assert.Inconclusive(why);
    }

    /// <summary>A new temp file holding <paramref name="text"/>.</summary>
    public static string TempFile(string name, string text)
    {
        string dir = Path.Combine(Path.GetTempPath(), "unit-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
