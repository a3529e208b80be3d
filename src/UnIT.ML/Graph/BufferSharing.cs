namespace UnIT.ML.Graph;

/// <summary>How a node's output may use its (first) input's buffer in an <see cref="ActivationPlan"/>.</summary>
public enum BufferSharing
{
    /// <summary>The output gets a buffer of its own.</summary>
    None,

    /// <summary>The node moves no data (a reshape): output and input are one buffer, live as long as either.</summary>
    Alias,

    /// <summary>
    /// The node writes element i of its output after reading element i of its input and no other (an activation): it may
    /// write over its input when no later node reads that buffer and the output is no larger; otherwise it gets its own.
    /// </summary>
    InPlace,
}
