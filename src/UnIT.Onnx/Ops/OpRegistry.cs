namespace UnIT.Onnx.Ops;

/// <summary>The table of supported ONNX operators: one importer per op family, keyed by op type.</summary>
internal static class OpRegistry
{
    private static readonly Dictionary<string, IOpImporter> Importers = Build(
        new ConvImporter(),
        new GemmImporter(),
        new MatMulImporter(),
        new PoolImporter(),
        new GlobalAveragePoolImporter(),
        new ActivationImporter(),
        new ClipImporter(),
        new BatchNormalizationImporter(),
        new ElementwiseImporter(),
        new FlattenImporter(),
        new ReshapeImporter(),
        new SoftmaxImporter(),
        new PassThroughImporter(),
        new ConstantImporter(),
        new ShapeImporter(),
        new GatherImporter(),
        new UnsqueezeImporter(),
        new SqueezeImporter(),
        new ConcatImporter(),
        new CastImporter(),
        new SliceImporter(),
        new ConstantOfShapeImporter(),
        new LrnImporter(),
        new TransposeImporter(),
        new PReluImporter(),
        new ReduceImporter(),
        new PadImporter(),
        new SplitImporter(),
        new VariadicImporter(),
        new ConvTransposeImporter());

    /// <summary>The supported op types, sorted.</summary>
    public static IReadOnlyList<string> SupportedOps { get; } = Importers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The importer for <paramref name="opType"/>, if supported.</summary>
    public static bool TryGet(string opType, out IOpImporter importer) => Importers.TryGetValue(opType, out importer!);

    private static Dictionary<string, IOpImporter> Build(params IOpImporter[] importers)
    {
        var table = new Dictionary<string, IOpImporter>(StringComparer.Ordinal);
        foreach (IOpImporter importer in importers)
        {
            foreach (string op in importer.OpTypes)
            {
                table.Add(op, importer);
            }
        }
        return table;
    }
}
