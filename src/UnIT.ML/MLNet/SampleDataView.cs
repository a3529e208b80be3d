using Microsoft.ML;
using Microsoft.ML.Data;
using UnIT.ML.Data;

namespace UnIT.ML.MLNet;

/// <summary>Turns a <see cref="SampleSet"/> (IDX or CSV samples) into an ML.NET data view with a known-size feature vector.</summary>
public static class SampleDataView
{
    /// <summary>
    /// A data view with a <c>Vector&lt;Single, SampleSize&gt;</c> column named <paramref name="featuresColumn"/>
    /// and, when the set has labels, a Single column named <paramref name="labelColumn"/>. The samples are
    /// copied into the view's rows.
    /// </summary>
    public static IDataView Create(MLContext mlContext, SampleSet samples, string featuresColumn = "Features", string labelColumn = "Label")
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(samples);
        var rows = new LabelledRow[samples.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new LabelledRow { Features = samples.Sample(i).ToArray(), Label = samples.Labels?[i] ?? 0 };
        }
        SchemaDefinition schema = SchemaDefinition.Create(typeof(LabelledRow));
        schema[nameof(LabelledRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, samples.SampleSize);
        schema[nameof(LabelledRow.Features)].ColumnName = featuresColumn;
        schema[nameof(LabelledRow.Label)].ColumnName = labelColumn;
        IDataView view = mlContext.Data.LoadFromEnumerable(rows, schema);
        return samples.Labels is null ? mlContext.Transforms.DropColumns(labelColumn).Fit(view).Transform(view) : view;
    }

    private sealed class LabelledRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
