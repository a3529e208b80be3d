using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FashionMnistPipeline;

/// <summary>
/// PredictedLabel = the class with the highest score, as ML.NET's multiclass evaluator wants a
/// PredictedLabel column. A named custom mapping, so pipelines that contain it can be saved and loaded.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class ArgMaxMapping : CustomMappingFactory<ArgMaxMapping.Input, ArgMaxMapping.Output>
{
    public const string ContractName = "FashionMnistPipeline.ArgMax";

    public override Action<Input, Output> GetMapping() => Map;

    public static void Map(Input input, Output output) =>
        output.PredictedLabel = (uint)Array.IndexOf(input.Score, input.Score.Max()) + 1; // keys are 1-based

    public sealed class Input
    {
        public float[] Score { get; set; } = [];
    }

    public sealed class Output
    {
        [KeyType(10)]
        public uint PredictedLabel { get; set; }
    }
}
