namespace UnIT.ML.Kernels;

/// <summary>
/// Which fully connected layers the exported int16 C runs by sorted columns: each input's nonzero weights are stored sorted
/// by |w| descending (once per model), and a nonzero input runs the prefix its threshold t = T/|x| keeps, found by one
/// binary search, with no test per weight (docs/method.md, "Making a skipped MAC nearly free"). Shared by the exporter,
/// which lays the columns out, and the engine's counts (<see cref="SortedColumnCounts"/>), which the cost model prices.
/// </summary>
public static class SortedColumnFullyConnected
{
    /// <summary>
    /// Fewest neurons for sorted columns: a binary search then takes fewer steps than the tests it replaces. Below it they do
    /// not pay for their neuron index (a byte per weight): mnist_cnn's 10-neuron fc1 ran 287,669 cycles per inference sorted
    /// against 288,384 tested one by one (software multiply) and needed 3,074 B more constants.
    /// </summary>
    public const int MinNeurons = 16;

    /// <summary>Most neurons: the C stores each weight's neuron in a byte.</summary>
    public const int MaxNeurons = 256;

    /// <summary>
    /// True when the C runs an int16 layer of <paramref name="neurons"/> outputs by sorted columns: 16 to 256 neurons, one
    /// threshold for the layer (group-wise ones would need a search per neuron) and no skip compensation (which needs the
    /// skipped weights too). A layer of the dense loop runs neither.
    /// </summary>
    public static bool Applies(int neurons, int thresholdGroups, bool compensated) =>
        neurons is >= MinNeurons and <= MaxNeurons && thresholdGroups == 1 && !compensated;
}
