using System.Globalization;

namespace UnIT.ML.Division;

/// <summary>
/// A binary search tree over a sorted table of power-of-two pivots <c>2^p0 &lt; 2^p1 &lt; ... &lt; 2^p(k-1)</c>,
/// as used by <see cref="BinaryTreeDivision"/> (paper §2.2, Figure 4). Each inner node asks one question,
/// <c>|C| &gt;= 2^pm ?</c>, and each of the <c>k</c> leaves is a pivot exponent; the search returns the
/// largest pivot exponent <c>p</c> with <c>2^p &lt;= |C|</c>, which is <c>e(C) = floor(log2 |C|)</c> whenever the
/// pivots are the contiguous exponents covering <c>e(C)</c>. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <para>Out-of-range values clamp to the nearest pivot: <c>|C| &lt; 2^p0</c> gives <c>p0</c> (the leftmost leaf:
/// the search only ever goes left), and <c>|C| &gt;= 2^p(k-1)</c> gives <c>p(k-1)</c>. A tree of one pivot asks nothing.</para>
/// <para>The depth of a leaf is the number of compare-and-branch steps that reach it. A balanced tree
/// (<see cref="Balanced(int, int)"/>) has depth <c>ceil(log2 k)</c> or one less for every leaf; a weighted tree
/// (<see cref="Weighted(IReadOnlyDictionary{int, long}, int, int)"/>) puts frequent exponents at shallow depth.</para>
/// </remarks>
public sealed class ExponentSearchTree
{
    // Inner node i compares against _pivots[_split[i]]; children >= 0 are inner nodes, ~leaf otherwise.
    private readonly int[] _pivots;
    private readonly int[] _split;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[] _leafDepth;
    private readonly int _root;

    private ExponentSearchTree(int[] pivots, Func<int, int, int> chooseSplit)
    {
        _pivots = pivots;
        int inner = pivots.Length - 1;
        _split = new int[inner];
        _left = new int[inner];
        _right = new int[inner];
        _leafDepth = new int[pivots.Length];
        int next = 0;
        _root = Build(0, pivots.Length - 1, 0);
        MaxDepth = _leafDepth.Max();

        // Leaves lo..hi (inclusive); the root of the subtree splits them into lo..m-1 and m..hi.
        int Build(int lo, int hi, int depth)
        {
            if (lo == hi)
            {
                _leafDepth[lo] = depth;
                return ~lo;
            }
            int node = next++;
            int m = chooseSplit(lo, hi);
            _split[node] = m;
            _left[node] = Build(lo, m - 1, depth + 1);
            _right[node] = Build(m, hi, depth + 1);
            return node;
        }
    }

    /// <summary>The pivot exponents, ascending.</summary>
    public IReadOnlyList<int> Pivots => _pivots;

    /// <summary>The smallest pivot exponent (values below clamp to it).</summary>
    public int MinExponent => _pivots[0];

    /// <summary>The largest pivot exponent (values above clamp to it).</summary>
    public int MaxExponent => _pivots[^1];

    /// <summary>The deepest leaf's depth: the most compare-and-branch steps one search takes.</summary>
    public int MaxDepth { get; }

    /// <summary>A balanced tree over the contiguous exponents <paramref name="minExponent"/>..<paramref name="maxExponent"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the range is empty or reaches outside [-149, 127].</exception>
    public static ExponentSearchTree Balanced(int minExponent, int maxExponent) =>
        Balanced(Range(minExponent, maxExponent));

    /// <summary>A balanced tree over the given pivot exponents (any order, no duplicates).</summary>
    /// <exception cref="ArgumentException">When the list is empty, holds duplicates or values outside [-149, 127].</exception>
    public static ExponentSearchTree Balanced(IEnumerable<int> pivotExponents)
    {
        ArgumentNullException.ThrowIfNull(pivotExponents);
        return new ExponentSearchTree(CheckPivots(pivotExponents), (lo, hi) => Middle(lo, hi));
    }

    /// <summary>
    /// A frequency-weighted tree over the contiguous exponents from the smallest to the largest key of
    /// <paramref name="exponentFrequencies"/>; see <see cref="Weighted(IReadOnlyDictionary{int, long}, int, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">When the dictionary is empty, or as the other overload.</exception>
    public static ExponentSearchTree Weighted(IReadOnlyDictionary<int, long> exponentFrequencies)
    {
        ArgumentNullException.ThrowIfNull(exponentFrequencies);
        if (exponentFrequencies.Count == 0)
        {
            throw new ArgumentException("At least one exponent frequency is needed.", nameof(exponentFrequencies));
        }
        return Weighted(exponentFrequencies, exponentFrequencies.Keys.Min(), exponentFrequencies.Keys.Max());
    }

    /// <summary>
    /// A frequency-weighted ("Huffman-shaped") tree over the contiguous exponents
    /// <paramref name="minExponent"/>..<paramref name="maxExponent"/>: the search tree with the least average
    /// depth on the given frequencies. A comparison tree must keep its leaves in order, so this is the
    /// order-preserving counterpart of a Huffman code (an optimal alphabetic tree, found by dynamic
    /// programming in O(k^3) for k pivots). Its average depth on these frequencies is never above the
    /// balanced tree's. Ties go to the most balanced split, so exponents never seen stay balanced among
    /// themselves, though they may sit deeper than in the balanced tree.
    /// </summary>
    /// <param name="exponentFrequencies">How often each exponent <c>e(C)</c> occurs; keys outside the range count toward the nearest end (as the search clamps them).</param>
    /// <param name="minExponent">The smallest pivot exponent, &gt;= -149.</param>
    /// <param name="maxExponent">The largest pivot exponent, &lt;= 127.</param>
    /// <exception cref="ArgumentException">When a frequency is negative, or the range is empty or outside [-149, 127].</exception>
    public static ExponentSearchTree Weighted(IReadOnlyDictionary<int, long> exponentFrequencies, int minExponent, int maxExponent)
    {
        ArgumentNullException.ThrowIfNull(exponentFrequencies);
        int[] pivots = CheckPivots(Range(minExponent, maxExponent));
        int k = pivots.Length;
        var weight = new long[k];
        foreach ((int exponent, long count) in exponentFrequencies)
        {
            if (count < 0)
            {
                throw new ArgumentException($"The frequency of exponent {exponent} ({count}) is negative.", nameof(exponentFrequencies));
            }
            weight[Math.Clamp(exponent, minExponent, maxExponent) - minExponent] += count;
        }

        // cost[i, j]: least sum of weight * depth over leaves i..j; each split adds one level to all of them.
        var prefix = new long[k + 1];
        for (int i = 0; i < k; i++)
        {
            prefix[i + 1] = checked(prefix[i] + weight[i]);
        }
        var cost = new long[k, k];
        var best = new int[k, k];
        for (int length = 2; length <= k; length++)
        {
            for (int i = 0; i + length - 1 < k; i++)
            {
                int j = i + length - 1;
                int middle = Middle(i, j);
                long least = long.MaxValue;
                int bestSplit = middle;
                for (int m = i + 1; m <= j; m++)
                {
                    long c = cost[i, m - 1] + cost[m, j];
                    if (c < least || (c == least && Math.Abs(m - middle) < Math.Abs(bestSplit - middle)))
                    {
                        least = c;
                        bestSplit = m;
                    }
                }
                cost[i, j] = checked(least + prefix[j + 1] - prefix[i]);
                best[i, j] = bestSplit;
            }
        }
        return new ExponentSearchTree(pivots, (lo, hi) => best[lo, hi]);
    }

    /// <summary>Counts <c>e(v) = floor(log2 |v|)</c> over the values; zeros, infinities and NaNs are left out (they get no threshold).</summary>
    public static IReadOnlyDictionary<int, long> ExponentFrequencies(IEnumerable<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var counts = new SortedDictionary<int, long>();
        foreach (float v in values)
        {
            if (v != 0f && float.IsFinite(v))
            {
                int e = FloatExponent.Floor(v);
                counts[e] = counts.GetValueOrDefault(e) + 1;
            }
        }
        return counts;
    }

    /// <summary>Counts <c>e(v) = floor(log2 |v|)</c> over the integer values; zeros are left out.</summary>
    public static IReadOnlyDictionary<int, long> ExponentFrequencies(IEnumerable<int> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var counts = new SortedDictionary<int, long>();
        foreach (int v in values)
        {
            if (v != 0)
            {
                // |int.MinValue| does not fit an int; as unsigned its exponent is 31.
                int e = FloatExponent.Floor(v == int.MinValue ? int.MinValue : Math.Abs(v));
                counts[e] = counts.GetValueOrDefault(e) + 1;
            }
        }
        return counts;
    }

    /// <summary>Searches the tree for <paramref name="exponent"/> = e(C), as the device compares |C| with the pivots.</summary>
    /// <param name="exponent">The exponent <c>e(C)</c> of the value searched for.</param>
    /// <param name="depth">The compare-and-branch steps taken.</param>
    /// <returns>The largest pivot exponent &lt;= <paramref name="exponent"/>, or the smallest pivot when there is none.</returns>
    public int Find(int exponent, out int depth)
    {
        int node = _root;
        depth = 0;
        while (node >= 0)
        {
            // |C| >= 2^p exactly when e(C) >= p, since p is an integer.
            node = exponent >= _pivots[_split[node]] ? _right[node] : _left[node];
            depth++;
        }
        return _pivots[~node];
    }

    /// <summary>The compare-and-branch steps a search for <paramref name="exponent"/> takes (after clamping to the pivots).</summary>
    public int Depth(int exponent)
    {
        Find(exponent, out int depth);
        return depth;
    }

    /// <summary>The mean search depth over exponents occurring with the given frequencies; 0 when they sum to 0.</summary>
    public double AverageDepth(IReadOnlyDictionary<int, long> exponentFrequencies)
    {
        ArgumentNullException.ThrowIfNull(exponentFrequencies);
        double steps = 0;
        long count = 0;
        foreach ((int exponent, long n) in exponentFrequencies)
        {
            steps += (double)n * Depth(exponent);
            count += n;
        }
        return count == 0 ? 0 : steps / count;
    }

    /// <summary>The mean search depth over the nonzero finite <paramref name="values"/> (by their exponents).</summary>
    public double AverageDepth(IEnumerable<float> values) => AverageDepth(ExponentFrequencies(values));

    /// <summary>The mean search depth over the nonzero integer <paramref name="values"/> (by their exponents).</summary>
    public double AverageDepth(IEnumerable<int> values) => AverageDepth(ExponentFrequencies(values));

    /// <summary>A one-line summary: pivot range, count and depth.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{_pivots.Length} pivots 2^{MinExponent}..2^{MaxExponent}, max depth {MaxDepth}");

    private static int Middle(int lo, int hi) => lo + (hi - lo + 1) / 2;

    private static IEnumerable<int> Range(int minExponent, int maxExponent)
    {
        if (minExponent > maxExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(minExponent), minExponent,
                $"The smallest exponent ({minExponent}) must not exceed the largest ({maxExponent}).");
        }
        return Enumerable.Range(minExponent, maxExponent - minExponent + 1);
    }

    private static int[] CheckPivots(IEnumerable<int> pivotExponents)
    {
        int[] pivots = pivotExponents.Order().ToArray();
        if (pivots.Length == 0)
        {
            throw new ArgumentException("At least one pivot exponent is needed.", nameof(pivotExponents));
        }
        if (pivots[0] < FloatExponent.MinExponent || pivots[^1] > FloatExponent.MaxExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(pivotExponents),
                $"Pivot exponents must be in [{FloatExponent.MinExponent}, {FloatExponent.MaxExponent}]; got {pivots[0]}..{pivots[^1]}.");
        }
        for (int i = 1; i < pivots.Length; i++)
        {
            if (pivots[i] == pivots[i - 1])
            {
                throw new ArgumentException($"Pivot exponent {pivots[i]} appears twice.", nameof(pivotExponents));
            }
        }
        return pivots;
    }
}
