using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Data;

// Usage: UnIT.SaveLoadHost <model.zip> <images (IDX or CSV)> <output.txt> [column]
// Loads the model with mlContext.Model.Load in this fresh process, scores the images and writes one
// line per row: the values of the output column, round-trippable. Exit code 0 on success.
if (args.Length is < 3 or > 4)
{
    Console.Error.WriteLine("usage: UnIT.SaveLoadHost <model.zip> <images> <output.txt> [column=Score]");
    return 2;
}
string column = args.Length == 4 ? args[3] : "Score";
var ml = new MLContext(seed: 1);
ITransformer model = ml.Model.Load(args[0], out DataViewSchema inputSchema);
SampleSet images = DatasetLoader.Load(args[1]);

// The input column's name and size come from the saved schema, not from this program.
DataViewSchema.Column input = inputSchema.Single(c => c.Type is VectorDataViewType);
var definition = SchemaDefinition.Create(typeof(Row));
definition[nameof(Row.Features)].ColumnName = input.Name;
definition[nameof(Row.Features)].ColumnType = input.Type;
var rows = Enumerable.Range(0, images.Count).Select(i => new Row { Features = images.Sample(i).ToArray() });
IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(rows, definition));

DataViewSchema.Column output = scored.Schema[column];
using DataViewRowCursor cursor = scored.GetRowCursor([output]);
ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(output);
VBuffer<float> value = default;
using var writer = new StreamWriter(args[2]);
while (cursor.MoveNext())
{
    getter(ref value);
    writer.WriteLine(string.Join(",", value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
}
Console.WriteLine($"Scored {images.Count} rows with {model.GetType().Name} loaded from {args[0]}.");
return 0;

internal sealed class Row
{
    public float[] Features { get; set; } = [];
}
