using Microsoft.ML;
using Microsoft.ML.Data;

namespace UnIT.ML.MLNet;

/// <summary>
/// What the carrier's prune mapping adds to a view (the raw scores, as <see cref="BuiltInCarrier.MaxOutputSize"/>
/// sparse slots, and the row's MAC counts), computed in blocks of rows: a cursor reads up to
/// <see cref="BlockRows"/> rows of the input column ahead, scores them as one batch (across all cores), then
/// serves them one at a time. Values and counts are those the row-at-a-time mapping gives, and so is the schema,
/// so the fitted steps after the mapping run on this view unchanged.
/// <para>
/// A cursor reads the input with two cursors: one runs ahead for the input column, the other follows the
/// served row for every other column asked for. The two see the same rows in the same order, as ML.NET's
/// unshuffled cursors do; this view does not shuffle (<see cref="CanShuffle"/> is false) and serves one cursor
/// where a set is asked for, since each block already uses every core.
/// </para>
/// </summary>
internal sealed class BatchScoringView : IDataView
{
    /// <summary>Rows scored per block: large enough to split across cores and amortize the per-batch work.</summary>
    public const int BlockRows = 256;

    private readonly IDataView _input;
    private readonly UnitScorer _scorer;
    private readonly DataViewSchema.Column _inputColumn;

    /// <summary>Adds the mapping's columns to <paramref name="input"/>, which has the vector column <paramref name="inputColumn"/>.</summary>
    public BatchScoringView(IDataView input, UnitScorer scorer, string inputColumn, string rawColumn, string executedColumn, string skippedColumn)
    {
        _input = input;
        _scorer = scorer;
        _inputColumn = input.Schema[inputColumn];
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input.Schema);
        builder.AddColumn(rawColumn, new VectorDataViewType(NumberDataViewType.Single, BuiltInCarrier.MaxOutputSize));
        builder.AddColumn(executedColumn, NumberDataViewType.Int64);
        builder.AddColumn(skippedColumn, NumberDataViewType.Int64);
        Schema = builder.ToSchema();
    }

    /// <inheritdoc/>
    public bool CanShuffle => false;

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <inheritdoc/>
    public long? GetRowCount() => _input.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (DataViewSchema.Column c in columnsNeeded)
        {
            active[c.Index] = true;
        }
        int first = _input.Schema.Count;
        bool scores = active[first] || active[first + 1] || active[first + 2];
        IEnumerable<DataViewSchema.Column> passThrough = _input.Schema.Where(c => active[c.Index]);
        return new Cursor(this, active, _input.GetRowCursor(passThrough), scores ? _input.GetRowCursor([_inputColumn]) : null);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>Serves the follower's row, with the scores of the block the leader read ahead.</summary>
    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchScoringView _view;
        private readonly bool[] _active;
        private readonly DataViewRowCursor _follower;
        private readonly DataViewRowCursor? _leader;
        private readonly ValueGetter<VBuffer<float>>? _read;
        private readonly Block[] _blocks;
        private Block _current;
        private Task<Block>? _pending;
        private VBuffer<float> _row;
        private int _next;

        public Cursor(BatchScoringView view, bool[] active, DataViewRowCursor follower, DataViewRowCursor? leader)
        {
            _view = view;
            _active = active;
            _follower = follower;
            _leader = leader;
            _read = leader?.GetGetter<VBuffer<float>>(view._inputColumn);
            // Two blocks: one served while the next is read and scored.
            _blocks = leader is null ? [] : [new Block(BlockRows * view._scorer.InputSize), new Block(BlockRows * view._scorer.InputSize)];
            _current = new Block(0);
        }

        public override DataViewSchema Schema => _view.Schema;

        public override long Position => _follower.Position;

        public override long Batch => _follower.Batch;

        public override bool MoveNext()
        {
            if (!_follower.MoveNext())
            {
                return false;
            }
            if (_leader is not null && ++_next >= _current.Rows)
            {
                NextBlock();
            }
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int first = _view._input.Schema.Count;
            if (column.Index < first)
            {
                return _follower.GetGetter<TValue>(_view._input.Schema[column.Index]);
            }
            if (!_active[column.Index])
            {
                throw new InvalidOperationException($"Column '{column.Name}' was not asked for when this cursor was made.");
            }
            Delegate getter = (column.Index - first) switch
            {
                0 => (ValueGetter<VBuffer<float>>)GetScores,
                1 => (ValueGetter<long>)((ref long value) => value = _current.Executed[_next]),
                _ => (ValueGetter<long>)((ref long value) => value = _current.Skipped[_next]),
            };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _follower.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // The leader may be reading the next block: let it finish (its errors no longer matter) before disposing it.
                try
                {
                    _pending?.Wait();
                }
                catch (AggregateException)
                {
                }
                _follower.Dispose();
                _leader?.Dispose();
            }
            base.Dispose(disposing);
        }

        /// <summary>The row's scores in the first slots of the sparse vector, as the row-at-a-time mapping gives them.</summary>
        private void GetScores(ref VBuffer<float> value)
        {
            int size = _view._scorer.OutputSize;
            VBufferEditor<float> editor = VBufferEditor.Create(ref value, BuiltInCarrier.MaxOutputSize, size, keepOldOnResize: false, requireIndicesOnDense: true);
            _current.Scores.AsSpan(_next * size, size).CopyTo(editor.Values);
            for (int i = 0; i < size; i++)
            {
                editor.Indices[i] = i;
            }
            value = editor.Commit();
        }

        /// <summary>
        /// Moves to the next block (the one the follower's row is in): waits for it, then starts reading and scoring the
        /// block after it on the thread pool, so that scoring overlaps with serving this block's rows. The leader is only
        /// ever used by one task at a time.
        /// </summary>
        private void NextBlock()
        {
            Block next = (_pending ?? Task.FromResult(Fetch(_blocks[0]))).GetAwaiter().GetResult();
            _pending = null;
            if (next.Rows == 0)
            {
                throw new InvalidOperationException("The UnIT scoring cursor's two readers of the input saw different rows; the input view must give the same rows to every cursor.");
            }
            _current = next;
            _next = 0;
            if (next.Rows == BlockRows)
            {
                Block spare = ReferenceEquals(next, _blocks[0]) ? _blocks[1] : _blocks[0];
                _pending = Task.Run(() => Fetch(spare));
            }
        }

        /// <summary>Reads up to <see cref="BlockRows"/> rows of the input column into <paramref name="block"/> and scores them.</summary>
        private Block Fetch(Block block)
        {
            UnitScorer scorer = _view._scorer;
            int size = scorer.InputSize, rows = 0;
            while (rows < BlockRows && _leader!.MoveNext())
            {
                _read!(ref _row);
                if (_row.Length != size)
                {
                    throw new InvalidOperationException(scorer.WrongRowSize(_row.Length));
                }
                _row.CopyTo(block.Inputs.AsSpan(rows * size, size));
                rows++;
            }
            block.Rows = rows;
            block.Scores = rows == 0 ? [] : scorer.ScoreBatch(block.Inputs, rows, block.Executed, block.Skipped);
            return block;
        }
    }

    /// <summary>One block of rows: their inputs, and once scored their scores and counts.</summary>
    private sealed class Block(int inputs)
    {
        public float[] Inputs { get; } = new float[inputs];

        public long[] Executed { get; } = new long[BlockRows];

        public long[] Skipped { get; } = new long[BlockRows];

        public float[] Scores { get; set; } = [];

        public int Rows { get; set; }
    }
}
