using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using UnIT.ML.Evaluation;

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

    /// <summary>
    /// The class index itself, 0..9: a <c>[KeyType]</c> uint property is 0-based in ML.NET's typed API
    /// (ML.NET stores it as key k + 1 and 0 for missing), so writing argmax + 1 would shift every class.
    /// </summary>
    public static void Map(Input input, Output output) =>
        output.PredictedLabel = (uint)ClassificationMetrics.ArgMax(input.Score, input.Score.Length)[0];

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
