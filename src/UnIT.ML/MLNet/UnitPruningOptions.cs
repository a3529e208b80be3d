using Microsoft.ML;
using UnIT.ML.Division;
using UnIT.ML.Pruning;
using UnIT.ML.Targets;

namespace UnIT.ML.MLNet;

/// <summary>
/// Settings of <see cref="UnitPruningCatalog"/>: which columns to read and write and how
/// UnIT prunes. The estimator copies the options when it is made, so changing them later has no effect on it.
/// </summary>
public sealed class UnitPruningOptions
{
    /// <summary>The input column: a vector of Single holding one sample (e.g. 784 pixels for a [1,1,28,28] model).</summary>
    public string InputColumnName { get; set; } = "Features";

    /// <summary>The output column: a known-size vector of Single with the model's first output (e.g. 10 logits).</summary>
    public string OutputColumnName { get; set; } = "Score";

    /// <summary>Calibration percentile p (0..100) of nonzero |x*w| per layer; ignored when <see cref="Thresholds"/> is set; 0 means no threshold skipping.</summary>
    public double Percentile { get; set; } = 50;

    /// <summary>Explicit per-layer thresholds; when set, <see cref="UnitPruningEstimator.Fit"/> calibrates none (a fixed-point profile still reads the data for its Q formats).</summary>
    public ThresholdSet? Thresholds { get; set; }

    /// <summary>Calibrate one threshold per output channel (conv) or neuron (fully connected) instead of one per layer.</summary>
    public bool GroupWise { get; set; }

    /// <summary>Division approximator name (exact, bitshift, binarytree, bitmask); null takes the profile's default.</summary>
    public string? Division { get; set; }

    /// <summary>Target profile name: float32, max78000 or msp430.</summary>
    public string Profile { get; set; } = TargetProfile.DefaultName;

    /// <summary>
    /// BitShift only: the starting shift count s, so the shift count is n = max(s, e(C)) (coarser thresholds
    /// for small control terms); in [-149, 127]. Null is the plain approximator (n = e(C)). Needs the bitshift
    /// division, chosen by <see cref="Division"/> or by the profile.
    /// </summary>
    public int? BitShiftStartingShift { get; set; }

    /// <summary>
    /// BinaryTree only: calibrate the tree's pivots on the data given to Fit instead of using the default
    /// balanced pivots. Needs the binarytree division, chosen by <see cref="Division"/> or by the profile.
    /// </summary>
    public bool CalibrateBinaryTree { get; set; }

    /// <summary>Calibrate on at most this many rows of the data given to Fit (the first ones); null reads them all.</summary>
    public int? CalibrationRowLimit { get; set; }

    /// <summary>Baseline: global magnitude pruning of all prunable weights to this sparsity (0..1) before UnIT; 0 is off.</summary>
    public double MagnitudeSparsity { get; set; }

    /// <summary>Baseline: FATReLU tau for every Relu node (outputs &lt;= tau become 0); 0 is plain Relu.</summary>
    public float FatReluTau { get; set; }

    /// <summary>
    /// Add to each layer's bias, per output channel / neuron, the mean its skipped MACs took on the calibration rows
    /// (<see cref="Pruning.BiasCorrection"/>), unless <see cref="Thresholds"/> carry corrections already. Free at inference.
    /// </summary>
    public bool BiasCorrection { get; set; }

    /// <summary>
    /// Each MAC the threshold skips adds a constant calibrated for its weight on the calibration rows
    /// (<see cref="Pruning.SkipCompensation"/>) instead of nothing, unless <see cref="Thresholds"/> carry compensations
    /// already. No multiply, one add per such skip.
    /// </summary>
    public bool SkipCompensation { get; set; }

    /// <summary>
    /// The calibration rows (the first this many) that <see cref="BiasCorrection"/> and <see cref="SkipCompensation"/> are
    /// measured on (<see cref="Pruning.PruningOptions.CorrectionSamples"/>); null: all of them.
    /// </summary>
    public int? CorrectionSamples { get; set; }

    /// <summary>
    /// When set, <c>Fit</c> runs each layer whose plain dense loop costs fewer cycles under this table than its UnIT kernel,
    /// counted on the calibration rows, by the dense loop; a layer with a threshold above 0 only where the whole model then
    /// costs less (<see cref="KernelChoice.DenseWhereCheaper"/>; e.g. <see cref="CostTable.Msp430HardwareMultiply"/>, or
    /// <see cref="CostTable.CortexM4Instructions"/> for max78000). The choice is saved with the thresholds and carried into the exported C.
    /// </summary>
    public CostTable? DenseWhereCheaper { get; set; }

    /// <summary>
    /// The predicted-label column: a key over the model's classes, built as ML.NET's multiclass trainers build
    /// PredictedLabel (class k of the first output is key k + 1; a row with a NaN score is the missing key 0),
    /// so <c>MulticlassClassification.Evaluate</c> and <c>MapKeyToValue</c> need no user code. The class is the
    /// first largest score. Null adds no such column.
    /// </summary>
    public string? PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>
    /// Names of the model's classes in output order, one per value of the first output: the key values of
    /// <see cref="PredictedLabelColumnName"/> (what <c>MapKeyToValue</c> returns). Null keeps the class
    /// indices "0".."n-1" as key values (ML.NET keeps key values as text).
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>Add the Int64 columns "&lt;Output&gt;.MacsExecuted" and "&lt;Output&gt;.MacsSkipped" with each row's MAC counts.</summary>
    public bool EmitStatistics { get; set; }

    /// <summary>The name of the per-row executed-MACs column (<see cref="EmitStatistics"/>).</summary>
    public string MacsExecutedColumnName => OutputColumnName + ".MacsExecuted";

    /// <summary>The name of the per-row skipped-MACs column (<see cref="EmitStatistics"/>), zero operands and threshold skips together.</summary>
    public string MacsSkippedColumnName => OutputColumnName + ".MacsSkipped";

    /// <summary>A copy, so the estimator and transformer hold settings nobody else can change.</summary>
    internal UnitPruningOptions Clone()
    {
        var copy = (UnitPruningOptions)MemberwiseClone();
        copy.ClassNames = ClassNames?.ToArray();
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting by its property name.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(InputColumnName, nameof(InputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputColumnName, nameof(OutputColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(Profile, nameof(Profile));
        if (PredictedLabelColumnName is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
            if (PredictedLabelColumnName == OutputColumnName || PredictedLabelColumnName == InputColumnName)
            {
                throw new ArgumentException($"PredictedLabelColumnName '{PredictedLabelColumnName}' must differ from InputColumnName and OutputColumnName.", nameof(PredictedLabelColumnName));
            }
        }
        if (ClassNames is not null)
        {
            if (ClassNames.Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException("ClassNames must not hold an empty name.", nameof(ClassNames));
            }
            if (ClassNames.Distinct(StringComparer.Ordinal).Count() != ClassNames.Count)
            {
                string duplicate = ClassNames.GroupBy(n => n, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
                throw new ArgumentException($"ClassNames holds '{duplicate}' more than once; each class needs its own name.", nameof(ClassNames));
            }
        }
        if (!(Percentile >= 0 && Percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "Percentile must be between 0 and 100.");
        }
        if (CalibrationRowLimit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CalibrationRowLimit), CalibrationRowLimit, "CalibrationRowLimit must be at least 1, or null for all rows.");
        }
        if (!(MagnitudeSparsity >= 0 && MagnitudeSparsity < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MagnitudeSparsity), MagnitudeSparsity, "MagnitudeSparsity must be at least 0 and below 1 (0 is off).");
        }
        if (!(FatReluTau >= 0 && float.IsFinite(FatReluTau)))
        {
            throw new ArgumentOutOfRangeException(nameof(FatReluTau), FatReluTau, "FatReluTau must be a finite number of at least 0 (0 is plain Relu).");
        }
        DivisionApproximators.CheckSettings(BitShiftStartingShift, CalibrateBinaryTree, [EffectiveDivision()]);
        DenseWhereCheaper?.Validate();
    }

    /// <summary>
    /// Checks the settings against the model: <see cref="ClassNames"/> needs one name per value of its first output,
    /// and no class may be named like a column the transformer reads or writes (the Score slot names are made
    /// from columns named like the classes, see <see cref="BuiltInCarrier"/>).
    /// </summary>
    internal void Validate(int outputSize, string modelName)
    {
        Validate();
        if (ClassNames is null)
        {
            return;
        }
        if (ClassNames.Count != outputSize)
        {
            throw new ArgumentException(
                $"ClassNames has {ClassNames.Count} names; model '{modelName}' has {outputSize} values in its first output, one class each.", nameof(ClassNames));
        }
        string[] columns = [InputColumnName, OutputColumnName, .. PredictedLabelColumnName is null ? [] : new[] { PredictedLabelColumnName },
            .. EmitStatistics ? new[] { MacsExecutedColumnName, MacsSkippedColumnName } : []];
        foreach (string name in ClassNames)
        {
            if (columns.Contains(name, StringComparer.Ordinal) || name.StartsWith(BuiltInCarrier.Prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Class name '{name}' is also the name of a column the transformer reads or writes; rename the class or the column (class names must differ from {string.Join(", ", columns)} and not start with '{BuiltInCarrier.Prefix}').", nameof(ClassNames));
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (as ML.NET's schema errors) when a class is named like a visible column of the input, which the Score slot names would replace.</summary>
    internal void CheckClassNamesAgainst(DataViewSchema input)
    {
        string? clash = ClassNames?.FirstOrDefault(name => input.GetColumnOrNull(name) is { IsHidden: false });
        if (clash is not null)
        {
            throw new ArgumentOutOfRangeException("inputSchema",
                $"Class name '{clash}' is also the name of input column '{clash}'; the Score slot names are made from columns named like the classes, which would replace it. Rename the class or the column.");
        }
    }

    /// <summary>The name of the division approximator in use: <see cref="Division"/>, or the profile's default.</summary>
    private string EffectiveDivision()
    {
        string profile = Profile.Trim().ToLowerInvariant();
        if (!TargetProfile.Names.Contains(profile))
        {
            throw new ArgumentException($"Profile '{Profile}' is unknown. Valid names: {string.Join(", ", TargetProfile.Names)}.", nameof(Profile));
        }
        if (Division is null)
        {
            return TargetProfile.FromName(profile).DefaultDivision.Name;
        }
        string division = Division.Trim().ToLowerInvariant();
        return DivisionApproximators.Names.Contains(division) ? division
            : throw new ArgumentException($"Division '{Division}' is unknown. Valid names: {string.Join(", ", DivisionApproximators.Names)}.", nameof(Division));
    }

    /// <summary>The pruning settings of the core library.</summary>
    internal PruningOptions ToPruningOptions() => new()
    {
        Percentile = Percentile,
        Thresholds = Thresholds,
        GroupWise = GroupWise,
        Division = Division,
        Profile = Profile,
        MagnitudeSparsity = MagnitudeSparsity,
        FatReluTau = FatReluTau,
        BitShiftStartingShift = BitShiftStartingShift,
        CalibrateBinaryTree = CalibrateBinaryTree,
        BiasCorrection = BiasCorrection,
        SkipCompensation = SkipCompensation,
        CorrectionSamples = CorrectionSamples,
    };
}
