namespace UnIT.Onnx.Tests.Helpers;

/// <summary>
/// Locates the ONNX backend "light" models, which live outside the repository: the override
/// <c>UNIT_ONNX_LIGHT_DIR</c>, else <c>shared/models/onnx-light</c> next to the repository root
/// (the folder holding UnIT.ML.sln) or next to one of its parents (a worktree one level deeper).
/// </summary>
internal static class LightModels
{
    public const string OverrideVariable = "UNIT_ONNX_LIGHT_DIR";

    /// <summary>The folder holding the light models; fails the test with what was looked for when it is missing.</summary>
    public static string Folder()
    {
        string? overridden = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(overridden))
        {
            return Directory.Exists(overridden)
                ? overridden
                : throw new AssertFailedException($"{OverrideVariable} is '{overridden}', which is not a folder.");
        }
        DirectoryInfo? root = new(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "UnIT.ML.sln")))
        {
            root = root.Parent;
        }
        if (root is null)
        {
            throw new AssertFailedException($"No folder above {AppContext.BaseDirectory} holds UnIT.ML.sln; set {OverrideVariable} to the light models' folder.");
        }
        var tried = new List<string>();
        for (DirectoryInfo? up = root.Parent; up is not null; up = up.Parent)
        {
            string candidate = Path.Combine(up.FullName, "shared", "models", "onnx-light");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            tried.Add(candidate);
        }
        throw new AssertFailedException(
            $"The ONNX light models are missing: looked for {string.Join(", ", tried.Take(2))}; set {OverrideVariable} to their folder.");
    }

    /// <summary>The path of one light model, e.g. <c>light_resnet50.onnx</c>; fails when it is missing.</summary>
    public static string ModelPath(string file)
    {
        string path = Path.Combine(Folder(), file);
        return File.Exists(path) ? path : throw new AssertFailedException($"The light model '{path}' is missing.");
    }
}
