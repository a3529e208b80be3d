using System.Text;
using UnIT.ML.Graph;
using UnIT.ML.Graph.Serialization;
using UnIT.ML.Pruning;

namespace UnIT.ML.MLNet;

/// <summary>
/// Everything a fitted UnIT transformer needs to score again, as bytes stored inside the saved ML.NET
/// model: a header (tag, state format version, model id), the options, the threshold set as JSON and
/// the original graph (<see cref="GraphSerializer"/>). The pruned model is rebuilt from these on load;
/// magnitude pruning is deterministic and the thresholds carry their fixed-point Q formats, so no
/// calibration data is needed.
/// </summary>
internal static class UnitModelState
{
    /// <summary>The state format version this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    private const string Magic = "UNITSTAT";

    /// <summary>Bytes before the options: tag, version, id. Scoring reads only these per row.</summary>
    private const int HeaderSize = 8 + 4 + 16;

    /// <summary>Serializes a scorer's state; <paramref name="formatVersion"/> is only changed by tests.</summary>
    public static byte[] Write(UnitScorer scorer, int formatVersion = CurrentFormatVersion)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes(Magic));
            w.Write(formatVersion);
            w.Write(scorer.Id.ToByteArray());
            UnitPruningOptions o = scorer.Options;
            w.Write(o.InputColumnName);
            w.Write(o.OutputColumnName);
            w.Write(o.Percentile);
            w.Write(o.GroupWise);
            w.Write(o.Division ?? string.Empty);
            w.Write(o.Profile);
            w.Write(o.CalibrationRowLimit ?? 0);
            w.Write(o.MagnitudeSparsity);
            w.Write(o.FatReluTau);
            w.Write(o.EmitStatistics);
            w.Write(scorer.Model.Thresholds.ToJson());
        }
        GraphSerializer.Write(scorer.Model.OriginalGraph, ms);
        return ms.ToArray();
    }

    /// <summary>The model id in a state's header, after checking the tag and version.</summary>
    /// <exception cref="FormatException">When the bytes are no UnIT state or have another format version.</exception>
    public static Guid ReadId(ReadOnlySpan<byte> state)
    {
        if (state.Length < HeaderSize || Encoding.ASCII.GetString(state[..Magic.Length]) != Magic)
        {
            throw new FormatException("The saved model's UnIT state is missing or damaged: its header tag was not found.");
        }
        int version = BitConverter.ToInt32(state.Slice(Magic.Length, 4));
        if (version != CurrentFormatVersion)
        {
            throw new FormatException(
                $"The saved model holds UnIT state format version {version}; this build of UnIT.ML reads version {CurrentFormatVersion}. " +
                "Score it with the UnIT.ML version that saved it, or fit and save it again with this one.");
        }
        return new Guid(state.Slice(Magic.Length + 4, 16));
    }

    /// <summary>Rebuilds the scorer from its state; returns the live one when this state was already read in this process.</summary>
    /// <exception cref="FormatException">As for <see cref="ReadId"/>, or when the state is truncated.</exception>
    public static UnitScorer Read(byte[] state) => UnitScorer.FindOrCreate(ReadId(state), () => Rebuild(state));

    private static (PrunedModel Model, UnitPruningOptions Options) Rebuild(byte[] state)
    {
        using var ms = new MemoryStream(state, writable: false);
        ms.Position = HeaderSize;
        using var r = new BinaryReader(ms, Encoding.UTF8, leaveOpen: true);
        UnitPruningOptions options;
        ThresholdSet thresholds;
        try
        {
            options = new UnitPruningOptions
            {
                InputColumnName = r.ReadString(),
                OutputColumnName = r.ReadString(),
                Percentile = r.ReadDouble(),
                GroupWise = r.ReadBoolean(),
                Division = r.ReadString() is { Length: > 0 } d ? d : null,
                Profile = r.ReadString(),
                CalibrationRowLimit = r.ReadInt32() is > 0 and int limit ? limit : null,
                MagnitudeSparsity = r.ReadDouble(),
                FatReluTau = r.ReadSingle(),
                EmitStatistics = r.ReadBoolean(),
            };
            thresholds = ThresholdSet.FromJson(r.ReadString(), "The saved model's UnIT threshold set");
        }
        catch (EndOfStreamException e)
        {
            throw new FormatException("The saved model's UnIT state is truncated.", e);
        }
        ModelGraph graph = GraphSerializer.Read(ms);
        options.Thresholds = thresholds;
        // The thresholds are given, and carry their Q formats for fixed point: no calibration data is read.
        return (PrunedModel.Create(graph, options.ToPruningOptions(), calibration: null), options);
    }
}
