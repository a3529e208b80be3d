using System.Globalization;

namespace UnIT.ML.Targets;

/// <summary>
/// Cycle costs of the operations the UnIT cost model counts, plus the clock and the energy per cycle of one
/// target. Immutable; every number can be overridden with a <c>with</c> expression, e.g.
/// <c>CostTable.Msp430 with { Division = 150 }</c>. Cycle counts may be fractional (averages).
/// <see cref="Sources"/> says where each default comes from.
/// </summary>
public sealed record CostTable
{
    /// <summary>Name of the device the numbers describe.</summary>
    public required string Device { get; init; }

    /// <summary>Cycles of one multiply of a MAC.</summary>
    public required double Multiply { get; init; }

    /// <summary>Cycles of one add (accumulate) of a MAC.</summary>
    public required double Add { get; init; }

    /// <summary>Cycles of one compare-and-branch (skip tests, BitShift loop tests, BinaryTree steps, clamps).</summary>
    public required double CompareBranch { get; init; }

    /// <summary>Cycles of one true division (<see cref="UnIT.ML.Division.ExactDivision"/>).</summary>
    public required double Division { get; init; }

    /// <summary>Cycles of one shift instruction (single-bit on the MSP430).</summary>
    public required double Shift { get; init; }

    /// <summary>Cycles of one bit-mask or integer add/subtract step on exponent fields.</summary>
    public required double MaskOp { get; init; }

    /// <summary>Cycles of one lookup in a precomputed table in memory.</summary>
    public required double TableLookup { get; init; }

    /// <summary>Cycles of one memory read of a weight or an activation (of an activation only when <see cref="ActivationRead"/> is set).</summary>
    public required double MemoryRead { get; init; }

    /// <summary>
    /// Cycles of one activation read by a loop that tests its operands, when measured apart from a weight read; null prices
    /// it as <see cref="MemoryRead"/>. A convolution tests its weights and reads an activation per test, a fully connected
    /// layer the other way round, so a calibrated table tells the two loops' per-test work apart by these two prices.
    /// </summary>
    public double? ActivationRead { get; init; }

    /// <summary>
    /// Cycles of one MAC of a dense build, everything included (loads, loop, accumulate), when measured; null prices a
    /// dense MAC as <c>Multiply + Add + 2 MemoryRead</c>. Calibrated tables set it because a dense loop (no tests,
    /// zero operands multiplied too) costs per MAC what no combination of the pruned loop's terms gives.
    /// </summary>
    public double? DenseMac { get; init; }

    /// <summary>
    /// Cycles of one compensated skip (<see cref="UnIT.ML.Pruning.SkipCompensation"/>: reaching the skipped operand, its sign
    /// test, the constant's read and the accumulator's add), when measured; null prices it <c>Add + CompareBranch + MemoryRead</c>.
    /// </summary>
    public double? Compensation { get; init; }

    /// <summary>
    /// Measured cycles of a sorted-list convolution's work, when measured; null prices such a layer as any other (a test
    /// per operand met, reads and MACs). See <see cref="CostModel"/>.
    /// </summary>
    public SortedListCosts? SortedLists { get; init; }

    /// <summary>
    /// Measured cycles of a convolution the C runs by its tested loop (no sorted lists), when measured; null prices such a
    /// layer as a fully connected one (a test per operand met, reads and MACs). See <see cref="CostModel"/>.
    /// </summary>
    public TestedConvolutionCosts? TestedConvolutions { get; init; }

    /// <summary>
    /// Measured cycles of a fully connected layer the C runs by sorted columns, when measured; null prices such a layer as
    /// any other fully connected one (a test per weight of each nonzero input, reads and MACs). See <see cref="CostModel"/>.
    /// </summary>
    public SortedColumnCosts? SortedColumns { get; init; }

    /// <summary>
    /// Measured cycles of a fully connected layer with a threshold per neuron, which the C runs by its grouped loop, when
    /// measured; null prices such a layer as any other fully connected one (a test per weight of each nonzero input, reads,
    /// MACs and the approximator's work per neuron). See <see cref="CostModel"/>.
    /// </summary>
    public FullyConnectedLoopCosts? GroupedFullyConnected { get; init; }

    /// <summary>
    /// Measured cycles of a fully connected layer with one threshold that the C runs by its tested loop (not sorted
    /// columns), when measured; null prices such a layer by the table's multiply, add, comparison and reads. See <see cref="CostModel"/>.
    /// </summary>
    public FullyConnectedLoopCosts? TestedFullyConnected { get; init; }

    /// <summary>
    /// Measured cycles of skip compensation in an int16 fully connected layer, when measured; null prices its compensated
    /// skips as any (<see cref="Compensation"/>). See <see cref="CostModel"/>.
    /// </summary>
    public FullyConnectedCompensationCosts? FullyConnectedCompensation { get; init; }

    /// <summary>
    /// Measured cycles per element of the nodes outside the prunable layers, by operator (<see cref="CostModel.PriceKey"/>:
    /// <c>Relu</c>, <c>MaxPool</c>, <c>Add</c>, <c>Sub(constant)</c>, ...), when measured; null leaves those nodes out of the estimate, as the
    /// datasheet tables do. What an element is depends on the node (<see cref="CostModel.ElementsPerSample"/>). A node whose
    /// operator has no price here is left out and reported as unpriced (<see cref="NodeCostEstimate.Priced"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double>? NodeCosts { get; init; }

    /// <summary>Clock frequency in Hz, used to turn cycles into time.</summary>
    public required double ClockHz { get; init; }

    /// <summary>Supply voltage in volts at which <see cref="CurrentMicroampsPerMHz"/> holds.</summary>
    public required double SupplyVolts { get; init; }

    /// <summary>Active-mode current per MHz of clock, in µA/MHz.</summary>
    public required double CurrentMicroampsPerMHz { get; init; }

    /// <summary>Where each default number comes from, as text for reports.</summary>
    public string Sources { get; init; } = "";

    /// <summary>
    /// Energy of one cycle in nanojoules: µA/MHz × V = pJ per cycle, so
    /// <c>CurrentMicroampsPerMHz * SupplyVolts / 1000</c>.
    /// </summary>
    public double EnergyPerCycleNanojoules => CurrentMicroampsPerMHz * SupplyVolts / 1000.0;

    /// <summary>
    /// MSP430FR5994 (16-bit, no FPU, no hardware divider), the paper's evaluation board.
    /// Multiply 77, add 6, compare-and-branch 3, division 77, shift 1, mask op 1, table lookup 3, memory read 3
    /// cycles; 16 MHz; 118 µA/MHz at 3.0 V (0.354 nJ/cycle). See <see cref="Sources"/>.
    /// </summary>
    public static CostTable Msp430 { get; } = new()
    {
        Device = "MSP430FR5994",
        Multiply = 77,
        Add = 6,
        CompareBranch = 3,
        Division = 77,
        Shift = 1,
        MaskOp = 1,
        TableLookup = 3,
        MemoryRead = 3,
        ClockHz = 16e6,
        SupplyVolts = 3.0,
        CurrentMicroampsPerMHz = 118,
        Sources = """
            Multiply 77 and add 6 cycles: UnIT paper (arXiv 2507.07885) §1, citing TI SLAA329 "Efficient Multiplication and Division Using MSP430 MCUs" and the MSP430 user's guide.
            Compare-and-branch 3: the paper gives 2 to 4 cycles (§1); the middle value is used.
            Division 77: the paper only says division is "nearly as expensive as multiplication" (§1); the multiply figure is reused. SLAA329's finer software-division timings are not modelled.
            Shift 1: RRA Rn, format II instruction in register mode, 1 cycle (MSP430 family user's guide, instruction cycle tables). No barrel shifter, so one cycle per bit.
            Mask op 1: register-register format I instruction (AND/SUB Rs,Rd), 1 cycle; an immediate mask (#N,Rd) takes 2.
            Table lookup 3 and memory read 3: indexed-mode MOV x(Rn),Rm, format I, 3 cycles. FRAM wait states above 8 MHz are not modelled.
            Clock 16 MHz: the MSP430FR5994's maximum system clock.
            Energy: about 118 µA/MHz active-mode current (MSP430FR5994 datasheet, front-page typical figure) at 3.0 V, approximate: 0.354 nJ/cycle. Override CurrentMicroampsPerMHz / SupplyVolts with measured values (e.g. EnergyTrace).
            """,
    };

    /// <summary>
    /// MSP430FR5994 calibrated against whole-model runs of `unit-prune export-c` code in mspdebug's simulator, software
    /// multiply (tools/msp430 inline-assembly shift-and-add): every node priced, the sorted-list convolutions by their lists,
    /// fitted to each node's measured cycles (see <see cref="Sources"/>). The paper's table stays <see cref="Msp430"/>.
    /// </summary>
    public static CostTable Msp430SoftwareMultiply { get; } = Msp430 with
    {
        Device = "MSP430FR5994, calibrated: software multiply",
        Multiply = 209.1 - CalibratedAdd,
        Add = CalibratedAdd,
        CompareBranch = 5.62,
        MemoryRead = 0,
        DenseMac = 171.3,
        Compensation = 44.1,
        SortedLists = new SortedListCosts
        {
            Scan = 2.56, Entry = 109.9, SortWork = 24.6, Weight = 11.8, SearchStep = 27.7, Walk = 18.3, Mac = 201.3, Output = 143.6, TailWalk = 18.9,
        },
        TestedConvolutions = new TestedConvolutionCosts { Test = 15.3, Row = 109.1, RowSearch = 0, Weight = 0, Output = 180.5, Mac = 192.1 },
        SortedColumns = new SortedColumnCosts { Input = 23.7, Threshold = 0, SearchStep = 36.8, Output = 131.0, Mac = 206.3, Division = 3922 },
        GroupedFullyConnected = new FullyConnectedLoopCosts { Input = 68.3, Lookup = 0, Test = 31.8, Output = 3.4, Mac = 188.6, Division = 3782 },
        TestedFullyConnected = new FullyConnectedLoopCosts { Input = 6.8, Lookup = 0, Test = 30.5, Output = 476.9, Mac = 191.3, Division = 3605 },
        FullyConnectedCompensation = new FullyConnectedCompensationCosts { Skip = 56.3, Input = 43.0, Output = 381.5, Lookup = 0, Mac = 0 },
        // Measured alike in both multiply builds; the float input normalization (Sub, Div) runs in software floating point.
        NodeCosts = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["Relu"] = 19.2,
            ["MaxPool"] = 57.4,
            ["MaxPool(single)"] = 7.0,
            ["Sub(constant)"] = 827,
            ["Div(constant)"] = 2552,
            ["Flatten"] = 0,
            ["Reshape"] = 0,
            // Measured on seeded graphs (tools/msp430/seeded-cnn-bench.cs nodes): the mean of two plane sizes.
            ["Add"] = 53.5,
            ["Sub"] = 68.7,
            ["Mul"] = 1828,
            ["Max"] = 60.8,
            ["Clip"] = 694,
            ["LeakyRelu"] = 3256,
            ["BatchNormalization"] = 4439,
            ["Mul(constant)"] = 3665,
            ["Add(constant)"] = 1331,
            ["AveragePool"] = 7800,
            ["GlobalAveragePool"] = 1011.5,
            ["Concat"] = 25.6,
            ["Pad"] = 20.9,
            ["Slice"] = 16.0,
            ["Transpose"] = 16.0,
            // Measured on SimulatorTests' branching graph (DagExportTests.Branching, 3 random inputs).
            ["HardSwish"] = 6407,
            ["HardSigmoid"] = 3916,
            ["Softsign"] = 3010,
        },
        Sources = CalibrationSources + "\n" + Msp430.Sources,
    };

    /// <summary>As <see cref="Msp430SoftwareMultiply"/>, with the MSP430's hardware multiplier (MPY peripheral) for every multiply.</summary>
    public static CostTable Msp430HardwareMultiply { get; } = Msp430SoftwareMultiply with
    {
        Device = "MSP430FR5994, calibrated: hardware multiplier",
        Multiply = 28.0 - CalibratedAdd,
        CompareBranch = 6.16,
        MemoryRead = 17.8,
        ActivationRead = 0,
        DenseMac = 51.0,
        Compensation = 35.1,
        SortedLists = new SortedListCosts
        {
            Scan = 7.09, Entry = 0, SortWork = 40.5, Weight = 15.4, SearchStep = 22.5, Walk = 17.6, Mac = 41.1, Output = 120.9, TailWalk = 24.0,
        },
        TestedConvolutions = new TestedConvolutionCosts { Test = 14.2, Row = 66.2, RowSearch = 55.2, Weight = 8.3, Output = 118.9, Mac = 39.1 },
        SortedColumns = new SortedColumnCosts { Input = 21.7, Threshold = 0, SearchStep = 22.4, Output = 110.8, Mac = 49.8, Division = 3720 },
        GroupedFullyConnected = new FullyConnectedLoopCosts { Input = 26.2, Lookup = 74.9, Test = 26.6, Output = 127.3, Mac = 36.0, Division = 3780 },
        TestedFullyConnected = new FullyConnectedLoopCosts { Input = 4.0, Lookup = 0, Test = 28.3, Output = 388.1, Mac = 34.0, Division = 3626 },
        FullyConnectedCompensation = new FullyConnectedCompensationCosts { Skip = 51.5, Input = 32.1, Output = 358.3, Lookup = 0, Mac = 0 },
    };

    // The split of a tested loop's executed MAC into multiply and add is not measured; their sum is (see the Sources).
    private const double CalibratedAdd = 18;

    private const string CalibrationSources = """
        Calibrated: measured with `unit-prune mcu-bench` (docs/deployment.md) on 2026-12-01 and 02, mnist_cnn and fashion_mnist_cnn, clang 14.0.6 -O2, mspdebug 0.22
        simulator MCLK (FRAM wait states not modelled), 5 test images per build. Every node is priced. The other nodes per element
        (NodeCosts, measured): Relu 19.2 per output, MaxPool 57.4 per window read, Sub(constant) 827 and Div(constant) 2552
        (fashion_mnist_cnn's input normalization in software floating point), Flatten and Reshape 0. The ops the shipped CNNs lack
        were measured on one seeded graph of each (tools/msp430/seeded-cnn-bench.cs nodes 0 and 1: 4 channels of 14x14 and 20x20,
        MNIST digits; 2026-12-02), the mean of the two sizes, alike in both multiply builds: in int16, Add 53.5 (34 to 73; the
        two inputs' Q formats are aligned by shifts), Sub 68.7 (36 to 101), Mul 1828, Max 60.8 (21 to 101), Concat 25.6 per
        output (12 to 39), Pad 20.9, Slice and Transpose 16.0 per output; in software floating point, Clip 694, LeakyRelu 3256
        (2820 to 3691: the time depends on the values), BatchNormalization 4439, Mul(constant) 3665, Add(constant) 1331,
        GlobalAveragePool 1011.5 per input; and on SimulatorTests' branching graph (8x8 planes, random inputs), HardSwish 6407,
        HardSigmoid 3916, Softsign 3010, and AveragePool 7800 per output (the mean of 6148 over ReLU outputs, whose zeros are
        cheap to add, and 10084 over other values, 3x3 windows, and 7159 on the seeded graph's 2x2 ones). Each kernel was called
        once there, and clang inlines a kernel with one call site: a lone MaxPool ran 7.0 cycles per window read (6.9 to 7.1)
        against the 57.4 of the shipped CNNs' two, so it has its own price, MaxPool(single); other kernels a model calls once
        may run faster than priced too. Whole model (with the list prices below) on a third seeded graph (12x12) within -2.7 %
        to -3.3 %, on the 20x20 one -3.2 % to -3.8 %, on the 14x14 one +8.0 % to +11.4 %; on the branching graph -7.4 % /
        -7.3 % (its average pools +27 % and -23 %). Min, Div between two values and the exponential activations are unpriced.
        A MAC of the dense build (DenseMac): 171.3 cycles with software multiply (156.0 on mnist_cnn, 186.6 on
        fashion_mnist_cnn: its time depends on the operands, a zero multiplier being cheap; 9.7 % off per model) and 51.0 with the
        multiplier (0.1 %). The UnIT layers were fitted by non-negative least squares to each layer's measured cycles (weighted by
        the square root of the layer's and its build's cycles) over 27 builds: the 0.5- and 2-point rows of each model's on-chip
        comparison (README; 24) and 3 compensated ones. The fully connected layers test their operands: per executed MAC
        Multiply + Add = 209.1 / 28.0, per skip test 5.62 / 6.16, per weight read 0 / 17.8, per activation read 0 (since
        2026-12-03 the tested fully connected loop has prices of its own, TestedFullyConnected, below). Whole-model
        error on the 27 builds within 3.2 % / 1.3 %, on the 12 one-point builds outside the fit within 3.0 % / 2.0 %; fitted
        without one model's builds, within 5.2 % / 6.9 % (mnist_cnn) and 6.4 % / 1.1 % (fashion_mnist_cnn) on that model (with
        the list prices of that fit, since refit). The convolutions search per-channel lists of nonzero activations sorted by
        |x| and are priced by their lists (SortedLists), refit later on 2026-12-02 with a price per output, by non-negative least
        squares (weighted by the square root of the layer's cycles) on 56 list convolutions, the thresholds' divisions left out:
        mnist_cnn and fashion_mnist_cnn at p30, p50, p70 and p90 and mnist_cnn with skip compensation at p50 and p70
        (tools/msp430/seeded-cnn-bench.cs shipped), and four seeded CNNs of 2 to 16 channels on 7x7 to 28x28 planes at p10,
        p40, p70 and p90 (lists). Software / hardware multiply: per activation scanned 2.56 / 7.09, per nonzero activation
        listed 109.9 / 0, per unit of sorting work 24.6 / 40.5, per weight 11.8 / 15.4, per binary-search step 27.7 / 22.5, per
        entry walked 18.3 / 17.6, per MAC run 201.3 / 41.1, per output 143.6 / 120.9, per entry walked for compensation
        18.9 / 24.0, per compensated add 44.1 / 35.1. Per convolution within 14.2 % / 7.6 %, leave-one-CNN-out within 19.2 % /
        12.5 %; whole model on those builds within -6.6 % to +8.6 % / -2.8 % to +7.8 %. The list prices before (per activation
        scanned 830 / 555, which carried the per-output work and fitted the shipped CNNs' layers alone) were up to 204 % / 133 %
        off per convolution on the seeded CNNs and 60 % / 19 % on the shipped ones at p90; whole model -2.6 % to +123 % /
        -1.9 % to +54 %. The FC layers (1 to 3 % of a model) up to 43 % off. Stride-2 convolutions take the tested loop
        (TestedConvolutions), fitted by non-negative least squares to 34 such layers (17 builds of four seeded stride-2 CNNs on
        MNIST digits, tools/msp430/seeded-cnn-bench.cs strided: 3x3, 5x5, 1x1 and unpadded kernels, 4 to 16 channels, p10 to p95;
        2026-12-02), less the thresholds' divisions charged per inference, software / hardware multiply: per operand test run
        15.3 / 14.2, per output row run 109.1 / 66.2, per output row looked through for them 0 / 55.2, per weight 0 / 8.3, per
        output 180.5 / 118.9, per MAC run 192.1 / 39.1; within 4.5 % / 1.2 % per layer, 6.5 % / 1.5 % with one CNN's builds left
        out of the fit (software multiply's time depends on the operands). The fully connected loop's prices had put them 16 to
        75 % low.
        A fully connected layer of 16 to 256 neurons with one threshold takes sorted columns (SortedColumns; in neither shipped CNN),
        fitted by non-negative least squares to 40 such layers (the hidden layer of five seeded CNNs on MNIST digits, 16 to 192
        neurons and 49 to 294 inputs, alone pruned at p0 to p99, tools/msp430/seeded-cnn-bench.cs columns; 2026-12-02), less the
        thresholds' divisions, software / hardware multiply: per input scanned 23.7 / 21.7, per nonzero input 0 / 0 (its lookup
        folds into the input's price: the share of nonzero inputs varied too little to tell them apart), per search step
        36.8 / 22.4, per output 131.0 / 110.8, per MAC run 206.3 / 49.8; within 15.2 % / 3.8 % per layer, 23.6 % / 5.7 % with one
        CNN left out of the fit; on a sixth CNN outside it (48 neurons; p20, p60, p90) within 7.7 % / 0.4 % per layer and 1.3 % /
        1.9 % whole model. The tested loop's prices had put these layers -18 % to +57 % / -13 % to +558 % off.
        A fully connected layer with a threshold per neuron (group-wise) takes the grouped loop (GroupedFullyConnected), which
        steps through a [neuron][16] table of thresholds by exponent of |x| (since 2026-12-02; it had multiplied a table index
        per nonzero input and clamped each threshold per test; the new one takes 3 to 26 % fewer cycles on these layers). Fitted by non-negative least
        squares (weighted by the square root of the layer's cycles) to 32 such layers: the hidden layer of eight seeded CNNs on
        MNIST digits (12 to 192 neurons, 49 to 294 inputs, 6 to 99.8 % of them nonzero; alone pruned, at p0, p30, p60 and p90;
        tools/msp430/seeded-cnn-bench.cs grouped 0 to 4, 6, 8 and 9; 2026-12-02). The engine's approximator work per neuron is
        left out, as the C looks each threshold up (exact division's divisions stay). Software / hardware multiply: per input
        scanned 68.3 / 26.2, per nonzero input 0 / 74.9, per weight tested 31.8 / 26.6, per output 3.4 / 127.3, per MAC run
        188.6 / 36.0 (software multiply's time follows the operands, so its split between the terms is not the loop's). Within
        8.9 % / 3.6 % per layer, 14.3 % / 8.6 % with one CNN left out of the fit; on two CNNs outside it (48 and 128 neurons)
        within 4.9 % / 0.6 %. The tested loop's prices, which charged the approximator's work per neuron, had put these layers
        20 to 104 % / 58 to 196 % high (before the loop changed).
        A fully connected layer with one threshold and fewer than 16 or more than 256 neurons, or with skip compensation, takes
        the tested loop (TestedFullyConnected; 2026-12-03), which the fit above had priced with the tables' multiply, add,
        comparison and reads, 67 % low to 10 % high per layer. Fitted by non-negative least squares (weighted by the square
        root of the layer's cycles) to 56 such layers per multiply: the last layer (10 neurons, 392 to 784 inputs) of eight
        seeded CNNs at p10 / p40 / p70 / p90 (tools/msp430/seeded-cnn-bench.cs strided 0 to 3 and lists 0 to 3), mnist_cnn's
        and fashion_mnist_cnn's fc1 (10 neurons, 256 inputs) at p50 / p80 with and without skip compensation (shipped 0 to 3),
        and four seeded hidden layers with skip compensation (12 to 32 neurons, 196 inputs; columns 6 to 9), the compensation
        priced by FullyConnectedCompensation. The engine's approximator work is left out, as the C looks the threshold up per
        nonzero input (exact division's divisions stay). Software / hardware multiply: per input scanned 6.8 / 4.0, per nonzero
        input 0 / 0 (it folds into the tests), per weight tested 30.5 / 28.3, per output 476.9 / 388.1, per MAC run
        191.3 / 34.0. Within -10.9 to +9.7 % / -8.9 to +13.8 % per layer (without compensation -10.9 to +6.2 % / -8.4 to
        +3.2 %); with one CNN left out of the fit within 10.0 % / 14.1 %, except the seeded layer with 6 % of its inputs
        nonzero (columns 8: 29.3 % / 29.2 %) and, in software, lists 0's (19.5 %).
        Skip compensation in a fully connected layer (FullyConnectedCompensation; since 2026-12-03 the int16 loops add a skipped
        weight's constant to its neuron's int32 sum and shift each sum into the product's Q format once per row, where they had
        shifted every constant, a bit at a time, per skip): fitted by non-negative least squares (weighted by the square root of
        the layer's cycles) to the difference in cycles between four seeded grouped CNNs with skip compensation and the same
        CNNs without it (tools/msp430/seeded-cnn-bench.cs grouped 10 to 13 against 0, 6, 8 and 9: the same thresholds and MACs;
        12 to 32 neurons, 196 inputs, p10 / p40 / p70 / p90; 2026-12-03). Software / hardware multiply: per compensated skip
        56.3 / 51.5, per input 43.0 / 32.1 (every fit layer has 196 inputs, so this also carries any fixed cost per row), per
        compensated output 381.5 / 358.3 (nothing more per nonzero input or MAC run: not fitted apart). Those layers within -3.1 to +2.4 % / -2.5 to +4.0 %, 9.6 % / 6.3 % with one CNN left
        out of the fit; at Compensation (fitted on list convolutions) they had come out 3 to 35 % / 7 to 43 % low. Outside the
        fit, two more pairs with 98 and 49 inputs (grouped 14 and 15 against 16 and 17) within -5.5 to +6.2 % / -0.9 to +4.5 %
        per compensated layer. mnist_cnn's
        compensated fc1 (one threshold or per neuron, p50 / p80; the tested loop or the grouped one, the tested loop priced
        by TestedFullyConnected) +5 to +12 % / +11 to +15 %, the whole model -0.3 to +0.8 % / -1.4 to +2.2 %.
        Exact division's T/|x| in the fully connected loops (2026-12-04) is one 32-bit software division (clang 14's runtime; the
        MSP430FR5994 has no divider), which the loops' fits above had left at the paper's 77 cycles: measured at 3,605 / 3,626
        cycles in the tested loop (per nonzero input; mnist_cnn at p50 and p80 and fashion_mnist_cnn at p50, the MNIST digits and
        the Fashion-MNIST test images, 5 each: 3,573 to 3,633), 3,782 / 3,780 in the grouped loop (per nonzero input and
        neuron; mnist_cnn group-wise at p50) and 3,922 / 3,720 by sorted columns (per nonzero input; seeded columns CNN 5 at
        p30 and p70, tools/msp430/seeded-cnn-bench.cs --division exact: 3,808 to 4,035 / 3,717 to 3,723), each the layer's
        measured cycles less its estimate without divisions, over its divisions. At 77 these layers had come out 3 to 20
        times low (mnist_cnn group-wise: 0.37M estimated, 7.27M measured per inference). The convolutions' thresholds are
        computed when the C is generated, not on the device; the table still charges their divisions per inference at the
        paper's 77 (Division), which the fits above absorbed.
        Before this fit (to 2026-12-02) the tables folded the other nodes into a flat price per MAC and skip test: -12 % to +14 % / -21 %
        to +23 % off on 39 builds outside their fit.
        """;

    /// <summary>
    /// MAX78000's Arm Cortex-M4F core (single-precision FPU, barrel shifter).
    /// Multiply 1, add 1, compare-and-branch 3, division 14, shift 1, mask op 1, table lookup 2, memory read 2
    /// cycles; 100 MHz; about 22 µA/MHz at 1.1 V (approximate). See <see cref="Sources"/>.
    /// </summary>
    public static CostTable Max78000 { get; } = new()
    {
        Device = "MAX78000 (Arm Cortex-M4F)",
        Multiply = 1,
        Add = 1,
        CompareBranch = 3,
        Division = 14,
        Shift = 1,
        MaskOp = 1,
        TableLookup = 2,
        MemoryRead = 2,
        ClockHz = 100e6,
        SupplyVolts = 1.1,
        CurrentMicroampsPerMHz = 22,
        Sources = """
            Cycle counts: Arm Cortex-M4 Technical Reference Manual, instruction timings of the core and its FPU (FPv4-SP).
            Multiply 1 (VMUL.F32) and add 1 (VADD.F32). A fused VFMA.F32 / VMLA.F32 takes 3, so a fused MAC would cost 3 rather than 2; override Multiply/Add to model that.
            Compare-and-branch 3: VCMP.F32 (1) + VMRS APSR_nzcv (1) + a conditional branch (1 when not taken, 2 to 4 when taken); 3 is a typical mix.
            Division 14: VDIV.F32.
            Shift 1 and mask op 1: LSL/LSR/ASR, AND/SUB/ORR, UBFX and CLZ are single-cycle (barrel shifter).
            Table lookup 2 and memory read 2: a single LDR / VLDR takes 2 cycles (back-to-back pipelined loads can take 1). Flash wait states are not modelled.
            Clock 100 MHz: the MAX78000's Cortex-M4 maximum (internal primary oscillator).
            Energy: about 22 µA/MHz on the 1.1 V core supply, from the MAX78000 datasheet's Arm-core active-mode current; approximate and not re-verified here: 0.0242 nJ/cycle. Override CurrentMicroampsPerMHz / SupplyVolts with measured values.
            """,
    };

    /// <summary>
    /// MAX78000's Cortex-M4F calibrated against the layers of `unit-prune export-c` max78000 code run in QEMU
    /// (`unit-prune m4-bench`). QEMU counts instructions, not cycles, so each "cycle" here is one executed instruction:
    /// the table ranks kernels and layers as the instruction counts do, and its absolute figures run low wherever an
    /// instruction takes more than one cycle (loads, taken branches, fused multiply-adds). <see cref="Max78000"/> stays
    /// the datasheet table; see <see cref="Sources"/> for the fit.
    /// </summary>
    public static CostTable CortexM4Instructions { get; } = Max78000 with
    {
        Device = "MAX78000 (Arm Cortex-M4F), calibrated: instructions counted by QEMU",
        Multiply = CortexM4TestedMac - 1,
        Add = 1,
        MemoryRead = 3.47,
        ActivationRead = 9.86,
        DenseMac = 6.85,
        Compensation = 11.9,
        // A true division (exact division's T/|x|) is one VDIV.F32 in these loops.
        TestedFullyConnected = new FullyConnectedLoopCosts { Input = 8.05, Lookup = 10.07, Test = 8.01, Output = 4.07, Mac = 4.0, Division = 1 },
        GroupedFullyConnected = new FullyConnectedLoopCosts { Input = 7.28, Lookup = 10.8, Test = 10.01, Output = 5.26, Mac = 4.0, Division = 1 },
        FullyConnectedCompensation = new FullyConnectedCompensationCosts { Skip = 17.98, Input = 2.26, Output = 0, Lookup = 2.78, Mac = 0.97 },
        SortedLists = new SortedListCosts
        {
            Scan = 45.8,
            Entry = 0,
            SortWork = 18.6,
            Weight = 0,
            SearchStep = 11.3,
            Walk = 9.93,
            Mac = 6.31,
            TailWalk = 10.0,
            // Not fitted apart on this core: its per-output work is in Scan.
            Output = 0,
        },
        NodeCosts = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["Relu"] = 8.12,
            ["MaxPool"] = 9.44,
            ["Add"] = 6.5,
            ["Sub(constant)"] = 5.02,
            ["Div(constant)"] = 4.97,
            ["GlobalAveragePool"] = 4.15,
            ["Flatten"] = 0,
            ["Reshape"] = 0,
        },
        Sources = """
            Calibrated: measured with `unit-prune m4-bench` (docs/deployment.md) on 2026-12-02, arm-none-eabi-gcc -O2 (each layer kernel, max
            pools included, inlined where the layer calls it), qemu-system-arm mps2-an386 -icount, 5 test images per build; instructions
            counted, not cycles (one instruction priced as one cycle). Every node is priced: the other nodes per element (NodeCosts, their
            measured means: Relu 8.12 per output, 8.0 to 9.0 measured; MaxPool 9.44 per window read, 9.2 to 9.9; Add 6.5, 6.0 to 7.0; Sub(constant)
            5.02; Div(constant) 4.97; GlobalAveragePool 4.15 per input; Flatten and Reshape 0), and a MAC of the dense build 6.85 (7.08 on mnist_cnn
            and fashion_mnist_cnn, 6.62 on fashion_mnist_resnet: 3.4 % off per model). The UnIT layers' prices were fitted by
            non-negative least squares to each layer's measured instructions (weighted by the square root of the layer's and its
            build's instructions) over 16 builds of mnist_cnn, fashion_mnist_cnn and fashion_mnist_resnet (percentiles 10 to 90,
            group-wise, FATReLU, compensated; division bitmask). The stride-1 convolutions search per-channel lists of nonzero
            activations sorted by |x| and are priced by their lists (SortedLists): 45.8 per activation scanned (it also carries the
            layer's fixed costs), 18.6 per unit of sorting work n·ceil(log2 n), 11.3 per binary-search step (it also carries each
            weight's setup), 9.93 per entry walked, 6.31 more per MAC run, 10.0 per entry walked for skip compensation; listing and the
            weight count got 0 (their cost went to the terms beside them). The stride-2 convolutions, which test: the datasheet's 3 per
            skip test (held, not fitted: tests and reads come in fixed ratios), 2.50 per executed MAC, 3.47 per weight read and 9.86
            per activation read (a convolution reads an activation per test and steps its window indices). A compensated skip adds
            11.9. Whole-model error within 1.7 % on the 16 builds and 1.8 % on 5 builds outside the fit; fitted without one model's
            builds, within 2.5 % (mnist_cnn), 2.4 % (fashion_mnist_cnn) and 4.9 % (fashion_mnist_resnet) on that model. Per node mostly
            within 10 %, but fashion_mnist_resnet's stem runs up to 15 % below its estimate at p80.
            Fully connected layers (2026-12-04; before, they took the prices above and were off by up to 24 %, 80 to 90 % group-wise):
            fitted by non-negative least squares (weighted by the square root of the layer's instructions) to 300 runs of seeded hidden
            layers, 12 to 192 neurons and 196 to 784 inputs (tools/cortex-m4/seeded-fc-bench.cs, ten shapes at p20 / p50 / p80, one
            row per test digit, BitMask). One threshold (TestedFullyConnected) / a threshold per neuron (GroupedFullyConnected): per
            input scanned 8.05 / 7.28, per nonzero input 10.07 / 10.8, per weight tested 8.01 / 10.01, per output 4.07 / 5.26, per MAC
            run 4.0; within 1.0 % / 4.2 % per run. A true division (exact division's T/|x|) is one VDIV.F32, 1 instruction (210 runs
            with exact division within -5.4 to +4.8 %). Skip compensation (FullyConnectedCompensation, 180 compensated runs, on top
            of the loop's prices): 17.98 per compensated skip, 2.26 per input, 2.78 per nonzero input, 0.97 per MAC run, 0 per output;
            within 3.1 %. The shipped models' fully connected layers (10 neurons) then come out within -0.0 to +8.5 %, the whole
            models within -1.7 to +1.1 % on 21 builds. The other numbers (division outside those loops, shifts, masks, lookups, clock
            and energy) are the datasheet table's:
            """ + "\n" + Max78000.Sources,
    };

    // The fit of CortexM4Instructions's tested loops: Multiply + Add per executed MAC (see its Sources).
    private const double CortexM4TestedMac = 2.50;

    /// <summary>
    /// The host float32 profile has no real device: it reuses the Cortex-M4F table of <see cref="Max78000"/>
    /// as a generic estimate for a microcontroller with a single-precision FPU.
    /// </summary>
    public static CostTable Float32Host { get; } = Max78000 with
    {
        Device = "generic FPU microcontroller (Cortex-M4F estimate)",
        Sources = "No real device: the MAX78000 Cortex-M4F table is reused as a generic FPU-microcontroller estimate.\n" + Max78000.Sources,
    };

    /// <summary>A one-line summary of the cycle counts, clock and energy (without <see cref="Sources"/>).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Device}: mul {Multiply}, add {Add}, cmp+br {CompareBranch}, div {Division}, shift {Shift}, mask {MaskOp}, " +
        $"lookup {TableLookup}, read {MemoryRead} cycles; {ClockHz / 1e6} MHz; {EnergyPerCycleNanojoules:0.####} nJ/cycle");

    /// <summary>Throws when a number is negative, not finite, or the clock is not positive.</summary>
    /// <exception cref="ArgumentException">Names the bad field and its value.</exception>
    public void Validate()
    {
        Check(Multiply, nameof(Multiply));
        Check(Add, nameof(Add));
        Check(CompareBranch, nameof(CompareBranch));
        Check(Division, nameof(Division));
        Check(Shift, nameof(Shift));
        Check(MaskOp, nameof(MaskOp));
        Check(TableLookup, nameof(TableLookup));
        Check(MemoryRead, nameof(MemoryRead));
        if (DenseMac is double denseMac)
        {
            Check(denseMac, nameof(DenseMac));
        }
        if (ActivationRead is double activationRead)
        {
            Check(activationRead, nameof(ActivationRead));
        }
        if (Compensation is double compensation)
        {
            Check(compensation, nameof(Compensation));
        }
        SortedLists?.Validate(Device);
        TestedConvolutions?.Validate(Device);
        SortedColumns?.Validate(Device);
        GroupedFullyConnected?.Validate(Device, nameof(GroupedFullyConnected));
        TestedFullyConnected?.Validate(Device, nameof(TestedFullyConnected));
        FullyConnectedCompensation?.Validate(Device);
        foreach ((string op, double price) in NodeCosts ?? new Dictionary<string, double>())
        {
            Check(price, $"NodeCosts[{op}]");
        }
        Check(SupplyVolts, nameof(SupplyVolts));
        Check(CurrentMicroampsPerMHz, nameof(CurrentMicroampsPerMHz));
        if (!(ClockHz > 0) || !double.IsFinite(ClockHz))
        {
            throw new ArgumentException($"Cost table '{Device}': ClockHz ({ClockHz}) must be positive and finite.");
        }

        void Check(double value, string field) => CheckCost(Device, field, value);
    }

    /// <summary>Throws when a cost of the table named <paramref name="device"/> is negative or not finite.</summary>
    internal static void CheckCost(string device, string field, double value)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentException($"Cost table '{device}': {field} ({value}) must be non-negative and finite.");
        }
    }
}
