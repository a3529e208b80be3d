using UnIT.ML.Graph;
using UnIT.Onnx;

namespace UnIT.Cli.Options;

/// <summary>Loads the model a command was given.</summary>
internal static class ModelLoader
{
    /// <summary>Imports the ONNX model at <paramref name="path"/>; throws <see cref="FileNotFoundException"/> or <see cref="OnnxImportException"/> naming the file.</summary>
    public static ModelGraph Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }
        return OnnxImporter.Import(path);
    }
}
