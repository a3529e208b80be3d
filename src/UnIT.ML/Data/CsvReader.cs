using System.Globalization;
using UnIT.ML.Graph;

namespace UnIT.ML.Data;

/// <summary>
/// Reads comma-separated numbers, one sample per row, in the invariant culture (<c>.</c> as the decimal
/// point). A first row that is not all numbers is taken as a header and skipped; blank lines are
/// ignored; every row must have as many values as the first. Gzip-compressed files are recognised by
/// their content. With a range or a limit only the selected rows are parsed, and reading stops after them.
/// </summary>
public static class CsvReader
{
    /// <summary>The largest label accepted when the number of classes is not known: labels size per-class tables.</summary>
    public const int MaxLabel = 65535;

    /// <summary>The most characters a line may have, whatever the expected row length.</summary>
    public const int MaxLineLength = 1 << 24;

    /// <summary>The most characters one value may take (with spaces) when the number of values per row is known.</summary>
    private const int MaxFieldLength = 256;

    private const char Separator = ',';

    /// <summary>Reads the samples in the CSV file at <paramref name="path"/>; <see cref="SampleSet.SampleDimensions"/> is [columns].</summary>
    /// <param name="path">A CSV file, plain or gzip.</param>
    /// <param name="range">Which rows (counting data rows from 0, after any header) to read; null for all.</param>
    /// <param name="limit">The most rows to read from the start of the range; null for no limit.</param>
    /// <param name="modelInput">The input shape of the model the rows are for (batch axis first): each row must have its per-sample size; null to take the first row's.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">
    /// A value is not a number, rows differ in length or from <paramref name="modelInput"/>, a line is too long, the rows
    /// hold more than <see cref="SampleSet.MaxValues"/> values, or the range lies beyond the rows; the message gives the line.
    /// </exception>
    public static SampleSet Read(string path, RangeSpec? range = null, int? limit = null, Shape? modelInput = null) =>
        DataFile.ReadFile(path, s =>
        {
            using var reader = new StreamReader(s, leaveOpen: true);
            return Read(reader, path, range, limit, modelInput);
        });

    /// <summary>Reads samples like <see cref="Read(string, RangeSpec?, int?, Shape?)"/> from text; the reader is not disposed.</summary>
    /// <param name="reader">CSV text.</param>
    /// <param name="source">A name for the text in error messages and <see cref="SampleSet.Source"/>.</param>
    /// <param name="range">Which data rows to read; null for all.</param>
    /// <param name="limit">The most rows to read from the start of the range; null for no limit.</param>
    /// <param name="modelInput">The input shape of the model the rows are for; null to take the first row's length.</param>
    public static SampleSet Read(TextReader reader, string source, RangeSpec? range = null, int? limit = null, Shape? modelInput = null) =>
        Read(reader, source, range, limit, modelInput, check: null);

    /// <summary>Reads one whole-number class label per row from a single-column CSV file.</summary>
    /// <param name="path">A CSV file, plain or gzip, with one column.</param>
    /// <param name="range">Which rows to read; null for all.</param>
    /// <param name="limit">The most rows to read from the start of the range; null for no limit.</param>
    /// <param name="classCount">The number of classes (labels must be below it); null to accept labels up to <see cref="MaxLabel"/>.</param>
    /// <exception cref="DatasetException">The file has more than one column, or a value is not a whole number from 0 to the largest class; the message gives the line.</exception>
    public static int[] ReadLabels(string path, RangeSpec? range = null, int? limit = null, int? classCount = null)
    {
        int largest = classCount is int classes ? Math.Min(classes - 1, MaxLabel) : MaxLabel;
        string Expected() => classCount is int c ? $"the model has {c} classes (0 to {c - 1})" : $"labels are whole numbers from 0 to {MaxLabel}";
        SampleSet set = DataFile.ReadFile(path, s =>
        {
            using var reader = new StreamReader(s, leaveOpen: true);
            return Read(reader, path, range, limit, modelInput: null,
                check: v => v >= 0 && v <= largest && v == MathF.Round(v) ? null : $"label {v.ToString(CultureInfo.InvariantCulture)} is not a class: {Expected()}.");
        });
        if (set.SampleSize != 1)
        {
            throw new DatasetException($"'{path}' has {set.SampleSize} values per row; a label file needs exactly one.");
        }
        return Array.ConvertAll(set.Data.ToArray(), v => (int)v);
    }

    /// <summary>The reader behind both public ones; <paramref name="check"/> explains why a parsed value is refused, or returns null.</summary>
    private static SampleSet Read(TextReader reader, string source, RangeSpec? range, int? limit, Shape? modelInput, Func<float, string?>? check)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        int? sampleSize = modelInput is null ? null : SampleSet.ValuesPerSample(modelInput, source);
        RangeSpec r = range ?? RangeSpec.All;
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The sample limit must be positive; got {limit}.");
        }
        // Rows in [first, stop) are parsed; rows up to End are still counted so a range beyond the file is reported.
        long first = r.Start, stop = Math.Min(r.End ?? long.MaxValue, limit is int l ? first + l : long.MaxValue);
        long readUntil = Math.Max(stop, r.End ?? stop);
        var values = new List<float>();
        var lines = new LineReader(reader, source);
        int maxLength = RowLength(sampleSize);
        int columns = -1, row = 0;
        bool atEnd = true;
        while (lines.ReadLine(maxLength) is { } line)
        {
            int lineNumber = lines.LineNumber;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            if (row >= readUntil)
            {
                atEnd = false;
                break;
            }
            int fields = line.AsSpan().Count(Separator) + 1;
            if (columns < 0)
            {
                columns = fields;
                if (sampleSize is int expected && fields != expected)
                {
                    throw new DatasetException($"'{source}' line {lineNumber} has {fields} values, but the model input {modelInput} needs {expected} values per sample.");
                }
                maxLength = RowLength(columns);
                if (!IsNumericRow(line))
                {
                    continue; // a header: the first row has names, not numbers
                }
            }
            else if (fields != columns)
            {
                throw new DatasetException($"'{source}' line {lineNumber} has {fields} values but the rows before it have {columns}; every row must have the same number of values.");
            }
            if (row >= first && row < stop)
            {
                SampleSet.CheckValueCount((long)values.Count + columns, source, $"the rows up to line {lineNumber}");
                ParseRow(line, values, source, lineNumber, check);
            }
            row++;
        }
        if (atEnd)
        {
            // The whole file was read: check the range against the number of rows it holds.
            r.Resolve(row, limit, source);
        }
        return new SampleSet(values.ToArray(), [columns], source);
    }

    /// <summary>The longest line a row of <paramref name="values"/> values may take; the fixed cap when unknown.</summary>
    private static int RowLength(int? values) =>
        values is int n ? (int)Math.Min(MaxLineLength, (long)n * MaxFieldLength) : MaxLineLength;

    private static bool IsNumericRow(string line)
    {
        foreach (Range field in line.AsSpan().Split(Separator))
        {
            if (!TryParse(line.AsSpan()[field], out _))
            {
                return false;
            }
        }
        return true;
    }

    private static void ParseRow(string line, List<float> values, string source, int lineNumber, Func<float, string?>? check)
    {
        int column = 0;
        foreach (Range field in line.AsSpan().Split(Separator))
        {
            column++;
            ReadOnlySpan<char> text = line.AsSpan()[field];
            if (!TryParse(text, out float value))
            {
                throw new DatasetException($"'{source}' line {lineNumber}, column {column}: '{text.Trim()}' is not a number.");
            }
            if (check?.Invoke(value) is { } problem)
            {
                throw new DatasetException($"'{source}' line {lineNumber}, column {column}: {problem}");
            }
            values.Add(value);
        }
    }

    private static bool TryParse(ReadOnlySpan<char> text, out float value) =>
        float.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
