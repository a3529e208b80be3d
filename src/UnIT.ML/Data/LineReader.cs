using System.Text;

namespace UnIT.ML.Data;

/// <summary>
/// Reads text lines (ended by \n, \r\n or \r) no longer than a bound, so that a file with one huge
/// line is refused after reading at most that many characters instead of filling memory.
/// </summary>
internal sealed class LineReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _line = new();
    private int _pos;
    private int _end;
    private bool _skipLineFeed;

    /// <summary>Reads from <paramref name="reader"/>; <paramref name="source"/> names the text in errors.</summary>
    public LineReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    /// <summary>The number of the line last returned (1 for the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>
    /// The next line without its terminator, or null at the end of the text.
    /// </summary>
    /// <param name="maxLength">The most characters the line may have.</param>
    /// <exception cref="DatasetException">The line is longer than <paramref name="maxLength"/>; the message names the source and line.</exception>
    public string? ReadLine(int maxLength)
    {
        _line.Clear();
        bool started = false;
        while (true)
        {
            if (_pos == _end)
            {
                _end = _reader.Read(_buffer, 0, _buffer.Length);
                _pos = 0;
                if (_end == 0)
                {
                    if (!started)
                    {
                        return null;
                    }
                    break;
                }
            }
            if (_skipLineFeed)
            {
                // The previous line ended with \r; a \n right after it belongs to the same terminator.
                _skipLineFeed = false;
                if (_buffer[_pos] == '\n')
                {
                    _pos++;
                    continue;
                }
            }
            started = true;
            ReadOnlySpan<char> rest = _buffer.AsSpan(_pos, _end - _pos);
            int stop = rest.IndexOfAny('\r', '\n');
            int take = stop < 0 ? rest.Length : stop;
            if (_line.Length + take > maxLength)
            {
                throw new DatasetException($"'{_source}' line {LineNumber + 1} is longer than {maxLength} characters; it cannot be a row of samples.");
            }
            _line.Append(rest[..take]);
            _pos += take;
            if (stop >= 0)
            {
                _skipLineFeed = _buffer[_pos] == '\r';
                _pos++;
                break;
            }
        }
        LineNumber++;
        return _line.ToString();
    }
}
