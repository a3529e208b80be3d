using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Graph;

namespace UnIT.ML.MLNet;

/// <summary>
/// Checks the input column against the model before any row is read, and fails like ML.NET's schema
/// errors: <see cref="ArgumentOutOfRangeException"/> naming the column, the expected and the actual type.
/// Accepted: a vector of Single whose known size is the model's per-sample input size (the saved chain
/// checks the same when it is loaded, see <see cref="BuiltInCarrier"/>; a variable-size vector would only
/// fail row by row inside ML.NET's cursors).
/// </summary>
internal static class InputColumnCheck
{
    private const string Param = "inputSchema";

    /// <summary>Checks a pipeline schema shape (sizes are unknown there).</summary>
    public static void Check(SchemaShape schema, string column, ModelGraph graph)
    {
        int index = schema.ToList().FindIndex(x => x.Name == column);
        if (index < 0)
        {
            throw Missing(column, graph, schema.Select(x => x.Name));
        }
        SchemaShape.Column c = schema[index];
        if (c.IsKey || c.ItemType != NumberDataViewType.Single || c.Kind != SchemaShape.Column.VectorKind.Vector)
        {
            string kind = c.Kind switch
            {
                SchemaShape.Column.VectorKind.Scalar => "",
                SchemaShape.Column.VectorKind.Vector => "Vector of ",
                _ => "variable-size Vector of ",
            };
            throw Mismatch(column, graph, $"{kind}{(c.IsKey ? "Key " : "")}{c.ItemType}");
        }
    }

    /// <summary>Checks a data schema, vector size included; returns the column.</summary>
    public static DataViewSchema.Column Check(DataViewSchema schema, string column, ModelGraph graph)
    {
        DataViewSchema.Column c = schema.GetColumnOrNull(column) ?? throw Missing(column, graph, schema.Select(x => x.Name));
        if (c.IsHidden)
        {
            throw Missing(column, graph, schema.Where(x => !x.IsHidden).Select(x => x.Name));
        }
        bool fits = c.Type is VectorDataViewType v && v.ItemType == NumberDataViewType.Single
            && v.Size == graph.InputSampleSize;
        return fits ? c : throw Mismatch(column, graph, c.Type.ToString() ?? c.Type.GetType().Name);
    }

    private static string Expected(ModelGraph graph) =>
        $"Vector<Single, {graph.InputSampleSize}> (model '{graph.Name}' input '{graph.Input.Name}' {graph.Input.Shape})";

    private static ArgumentOutOfRangeException Missing(string column, ModelGraph graph, IEnumerable<string> available) =>
        new(Param, $"Could not find input column '{column}': expected {Expected(graph)}, got no such column. Columns: {string.Join(", ", available)}.");

    private static ArgumentOutOfRangeException Mismatch(string column, ModelGraph graph, string actual) =>
        new(Param, $"Schema mismatch for input column '{column}': expected {Expected(graph)}, got {actual}.");
}
