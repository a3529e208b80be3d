namespace UnIT.ML.Graph.Ops;

/// <summary>The part of a serialized node every node type has: its name, inputs and output.</summary>
internal sealed record NodeHeader(string Name, string[] Inputs, string Output)
{
    /// <summary>The only input of a single-input node; a corrupted count fails here.</summary>
    public string Input => Inputs.Length == 1
        ? Inputs[0]
        : throw new FormatException($"Node '{Name}' is serialized with {Inputs.Length} inputs; its type takes one.");
}
