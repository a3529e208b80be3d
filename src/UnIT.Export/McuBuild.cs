namespace UnIT.Export;

/// <summary>One simulated MSP430 build of a generated model: what ran, what it cost, and whether it matched the engine.</summary>
public sealed record McuBuild
{
    /// <summary>"dense" or "pruned".</summary>
    public required string Model { get; init; }

    /// <summary>"swmul" (software multiply in inline assembly) or "hwmul" (the MPY peripheral).</summary>
    public required string Multiply { get; init; }

    /// <summary>Simulated MCLK cycles per inference (mspdebug sim; averaged over the images run).</summary>
    public required double Cycles { get; init; }

    /// <summary>The cost model's estimate per inference with the profile's table (the paper's 77-cycle multiply).</summary>
    public required double EstimatedCycles { get; init; }

    /// <summary>The estimate per inference with the calibrated table of this build (<see cref="UnIT.ML.Targets.CostTable.Msp430SoftwareMultiply"/> or <see cref="UnIT.ML.Targets.CostTable.Msp430HardwareMultiply"/>).</summary>
    public required double CalibratedEstimatedCycles { get; init; }

    /// <summary>Bytes of code (.text) of the whole program (model, runtime helpers, start-up).</summary>
    public required long CodeBytes { get; init; }

    /// <summary>Bytes of constants (.rodata) of the whole program.</summary>
    public required long ConstantBytes { get; init; }

    /// <summary>Bytes of static read-write data: .bss plus the activation arena and accumulators (which this build places in FRAM).</summary>
    public required long RamBytes { get; init; }

    /// <summary>
    /// Bytes of the simulated MSP430's FRAM (below 64 KiB, <c>tools/msp430/msp430.ld</c>) the whole test program leaves free: how
    /// much more its code, constants and FRAM buffers could grow and still be benchmarked. The program holds one bench image
    /// as a constant (2 bytes per input element), which a deployment would not.
    /// </summary>
    public required long FramSpareBytes { get; init; }

    /// <summary>True when every int16 output of every image equals the C# engine's.</summary>
    public required bool LogitsMatch { get; init; }

    /// <summary>MACs run per inference (C# engine counts of the same images; every MAC in the dense build).</summary>
    public required double ExecutedMacs { get; init; }

    /// <summary>Operand reads of the skip tests per inference (weight + activation reads); 0 in the dense build.</summary>
    public required double SkipTestReads { get; init; }

    /// <summary>Compare-and-branch steps per inference (zero tests and skip tests); 0 in the dense build.</summary>
    public required double Comparisons { get; init; }

    /// <summary>Energy per inference in µJ: cycles x the profile table's energy per cycle.</summary>
    public required double EnergyMicrojoules { get; init; }

    /// <summary>Cycles per inference of each node in graph order, then "(other)"; they add up to <see cref="Cycles"/>.</summary>
    public required IReadOnlyList<McuLayer> Layers { get; init; }
}
