namespace UnIT.ML.Graph;

/// <summary>Thrown when a graph, a node or an input does not fit; the message names the node and the problem.</summary>
public sealed class GraphException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    public GraphException(string message, Exception inner) : base(message, inner)
    {
    }
}
