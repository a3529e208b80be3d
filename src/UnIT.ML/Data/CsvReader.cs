using System.Globalization;

namespace UnIT.ML.Data;

/// <summary>
/// Reads comma-separated numbers, one sample per row, in the invariant culture (<c>.</c> as the decimal
/// point). A first row that is not all numbers is taken as a header and skipped; blank lines are
/// ignored; every row must have as many values as the first. Gzip-compressed files are recognised by
/// their content. With a range or a limit only the selected rows are parsed, and reading stops after them.
/// </summary>
public static class CsvReader
{
    private const char Separator = ',';

    /// <summary>Reads the samples in the CSV file at <paramref name="path"/>; <see cref="SampleSet.SampleDimensions"/> is [columns].</summary>
    /// <param name="path">A CSV file, plain or gzip.</param>
    /// <param name="range">Which rows (counting data rows from 0, after any header) to read; null for all.</param>
    /// <param name="limit">The most rows to read from the start of the range; null for no limit.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DatasetException">A value is not a number, rows differ in length (the message gives the line), or the range lies beyond the rows.</exception>
    public static SampleSet Read(string path, RangeSpec? range = null, int? limit = null) =>
        DataFile.ReadFile(path, s =>
        {
            using var reader = new StreamReader(s, leaveOpen: true);
            return Read(reader, path, range, limit);
        });

    /// <summary>Reads samples like <see cref="Read(string, RangeSpec?, int?)"/> from text; the reader is not disposed.</summary>
    /// <param name="reader">CSV text.</param>
    /// <param name="source">A name for the text in error messages and <see cref="SampleSet.Source"/>.</param>
    /// <param name="range">Which data rows to read; null for all.</param>
    /// <param name="limit">The most rows to read from the start of the range; null for no limit.</param>
    public static SampleSet Read(TextReader reader, string source, RangeSpec? range = null, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
        RangeSpec r = range ?? RangeSpec.All;
        if (limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"The sample limit must be positive; got {limit}.");
        }
        // Rows in [first, stop) are parsed; rows up to End are still counted so a range beyond the file is reported.
        long first = r.Start, stop = Math.Min(r.End ?? long.MaxValue, limit is int l ? first + l : long.MaxValue);
        long readUntil = Math.Max(stop, r.End ?? stop);
        var values = new List<float>();
        int columns = -1, lineNumber = 0, row = 0;
        bool atEnd = true;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
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
                ParseRow(line, values, source, lineNumber);
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

    /// <summary>Reads one whole-number class label per row from a single-column CSV file.</summary>
    /// <param name="path">A CSV file, plain or gzip, with one column.</param>
    /// <param name="range">Which rows to read; null for all.</param>
    /// <param name="limit">The most rows to read from the start of the range; null for no limit.</param>
    /// <exception cref="DatasetException">The file has more than one column or a value is not a whole number.</exception>
    public static int[] ReadLabels(string path, RangeSpec? range = null, int? limit = null)
    {
        SampleSet set = Read(path, range, limit);
        if (set.SampleSize != 1)
        {
            throw new DatasetException($"'{path}' has {set.SampleSize} values per row; a label file needs exactly one.");
        }
        ReadOnlySpan<float> v = set.Data.Span;
        var labels = new int[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] != MathF.Round(v[i]) || v[i] < 0)
            {
                throw new DatasetException($"'{path}' label {i} is {v[i].ToString(CultureInfo.InvariantCulture)}; labels must be whole numbers >= 0.");
            }
            labels[i] = (int)v[i];
        }
        return labels;
    }

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

    private static void ParseRow(string line, List<float> values, string source, int lineNumber)
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
            values.Add(value);
        }
    }

    private static bool TryParse(ReadOnlySpan<char> text, out float value) =>
        float.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
