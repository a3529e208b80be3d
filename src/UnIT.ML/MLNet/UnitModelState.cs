using System.Security.Cryptography;
using System.Text;
using UnIT.ML.Graph;
using UnIT.ML.Graph.Serialization;
using UnIT.ML.Pruning;

namespace UnIT.ML.MLNet;

/// <summary>
/// Everything a fitted UnIT transformer needs to score again, as bytes stored inside the saved ML.NET
/// model: the options, the threshold set as JSON and the original graph (<see cref="GraphSerializer"/>).
/// The pruned model is rebuilt from these on load; magnitude pruning is deterministic and the thresholds
/// carry their fixed-point Q formats, so no calibration data is needed.
/// <para>Version 3 (written): tag "UNITSTAT", int32 version, SHA-256 of everything but itself, then the
/// payload (options, thresholds, graph) up to the last byte. ML.NET does not check the zip's CRCs, so the
/// hash is what turns a damaged file into an error instead of other scores.</para>
/// <para>Version 2 (read only): as version 3 without the PredictedLabel and class-name options (those
/// models have no PredictedLabel column).</para>
/// <para>Version 1 (read only, saved by earlier builds): tag, version, a 16-byte model id, then the
/// payload without the two BitShift/BinaryTree options; it carries no hash.</para>
/// </summary>
internal static class UnitModelState
{
    /// <summary>The state format version this build writes.</summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>The oldest state format version this build reads.</summary>
    public const int OldestFormatVersion = 1;

    private const string Magic = "UNITSTAT";
    private const int VersionOffset = 8;
    private const int HashOffset = VersionOffset + 4;
    private const int HashSize = SHA256.HashSizeInBytes;
    private const int HeaderSize = HashOffset + HashSize;
    private const int Version1HeaderSize = HashOffset + 16;

    /// <summary>Serializes a scorer's state; <paramref name="formatVersion"/> is only changed by tests.</summary>
    public static byte[] Write(UnitScorer scorer, int formatVersion = CurrentFormatVersion)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Encoding.ASCII.GetBytes(Magic));
            w.Write(formatVersion);
            w.Write(new byte[HashSize]);
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
            w.Write(o.BitShiftStartingShift.HasValue);
            w.Write(o.BitShiftStartingShift ?? 0);
            w.Write(o.CalibrateBinaryTree);
            if (formatVersion >= 3)
            {
                w.Write(o.PredictedLabelColumnName ?? string.Empty);
                w.Write(o.ClassNames?.Count ?? -1);
                foreach (string name in o.ClassNames ?? [])
                {
                    w.Write(name);
                }
            }
            w.Write(scorer.Model.Thresholds.ToJson());
        }
        GraphSerializer.Write(scorer.Model.OriginalGraph, ms);
        byte[] state = ms.ToArray();
        Hash(state).CopyTo(state.AsSpan(HashOffset));
        return state;
    }

    /// <summary>Checks and rebuilds a scorer (with fresh statistics) from its state: version 3, or versions 2 and 1 as saved by earlier builds.</summary>
    /// <exception cref="FormatException">
    /// When the bytes are no UnIT state, have an unsupported format version (the message names it and the
    /// versions read), fail the integrity check, are truncated, or hold invalid settings; the message says
    /// the saved model is damaged.
    /// </exception>
    public static UnitScorer Read(byte[] state)
    {
        if (state.Length < HashOffset || !state.AsSpan(0, Magic.Length).SequenceEqual(Encoding.ASCII.GetBytes(Magic)))
        {
            throw Damaged("its header tag was not found");
        }
        int version = BitConverter.ToInt32(state, VersionOffset);
        switch (version)
        {
            case CurrentFormatVersion or 2:
                if (state.Length < HeaderSize || !Hash(state).SequenceEqual(state.AsSpan(HashOffset, HashSize)))
                {
                    throw Damaged("its SHA-256 integrity check failed (the file was changed or corrupted after it was saved)");
                }
                return Rebuild(state, HeaderSize, version);
            case OldestFormatVersion:
                return Rebuild(state, Version1HeaderSize, version);
            default:
                throw new FormatException(
                    $"The saved model holds UnIT state format version {version}; this build of UnIT.ML reads versions {OldestFormatVersion} to {CurrentFormatVersion}. " +
                    "Score it with the UnIT.ML version that saved it, or fit and save it again with this one.");
        }
    }

    /// <summary>SHA-256 of the state with its hash field left out: tag and version, then the payload.</summary>
    private static byte[] Hash(byte[] state)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(state, 0, HashOffset);
        sha.AppendData(state, HeaderSize, state.Length - HeaderSize);
        return sha.GetHashAndReset();
    }

    private static UnitScorer Rebuild(byte[] state, int payloadOffset, int version)
    {
        try
        {
            using var ms = new MemoryStream(state, writable: false);
            ms.Position = payloadOffset;
            using var r = new BinaryReader(ms, Encoding.UTF8, leaveOpen: true);
            var options = new UnitPruningOptions
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
            if (version >= 2)
            {
                bool hasShift = r.ReadBoolean();
                int shift = r.ReadInt32();
                options.BitShiftStartingShift = hasShift ? shift : null;
                options.CalibrateBinaryTree = r.ReadBoolean();
            }
            options.PredictedLabelColumnName = version >= 3 && r.ReadString() is { Length: > 0 } label ? label : null;
            int classes = version >= 3 ? r.ReadInt32() : -1;
            options.ClassNames = classes < 0 ? null : Enumerable.Range(0, classes).Select(_ => r.ReadString()).ToArray();
            options.Validate();
            options.Thresholds = ThresholdSet.FromJson(r.ReadString(), "The UnIT threshold set");
            ModelGraph graph = GraphSerializer.Read(ms);
            if (ms.Position != ms.Length)
            {
                throw new FormatException($"{ms.Length - ms.Position} bytes follow the graph.");
            }
            // The thresholds are given, and carry their Q formats for fixed point: no calibration data is read.
            return new UnitScorer(PrunedModel.Create(graph, options.ToPruningOptions(), calibration: null), options);
        }
        catch (EndOfStreamException e)
        {
            throw Damaged("it is truncated", e);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or OverflowException or IOException)
        {
            throw Damaged(e.Message, e);
        }
    }

    private static FormatException Damaged(string why, Exception? inner = null) =>
        new($"The saved model is damaged: its UnIT state cannot be used ({why.TrimEnd('.')}). Save the model again from its source.", inner);
}
