namespace UnIT.ML.Graph;

/// <summary>How a <see cref="PadNode"/> fills the cells it adds.</summary>
public enum PadMode
{
    /// <summary>A constant value.</summary>
    Constant,

    /// <summary>The mirror image of the values next to the border, without repeating the border.</summary>
    Reflect,

    /// <summary>The border value repeated.</summary>
    Edge,
}
