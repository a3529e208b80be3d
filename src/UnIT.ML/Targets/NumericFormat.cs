namespace UnIT.ML.Targets;

/// <summary>The arithmetic a target profile uses.</summary>
public enum NumericFormat
{
    /// <summary>IEEE-754 single precision (host, Cortex-M4F).</summary>
    Float32,

    /// <summary>int16 values in power-of-two Q formats with int32 saturating accumulators (MSP430).</summary>
    FixedPoint16,
}
