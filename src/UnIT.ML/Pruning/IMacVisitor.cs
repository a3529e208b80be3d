namespace UnIT.ML.Pruning;

/// <summary>Receives the nonzero MACs of a layer one by one (a struct, so calls inline).</summary>
internal interface IMacVisitor
{
    /// <summary>
    /// One MAC with both operands nonzero: its group (output channel or neuron), its weight's index in the layer's weight
    /// tensor, its activation and its product's ordering key.
    /// </summary>
    void Visit(int group, int weight, float x, uint key);
}
