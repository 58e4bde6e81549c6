using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Hotline.Routing.Classification;

/// <summary>A model file that cannot be read: not a model, a newer format, truncated or altered.</summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException()
    {
    }

    public ModelFormatException(string message) : base(message)
    {
    }

    public ModelFormatException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>
/// The model's binary format. Binary, not JSON: a model holds a few million weights, which JSON would make ten times larger
/// and slower to load. Layout: the magic <c>HLTXTCLF</c>, a format version (int32), the payload length (int64), the payload,
/// and the SHA-256 of the payload. The hash turns any truncation or bit flip into a clear error before a single weight is
/// used, and its first 12 hex digits are the model's <see cref="TextClassifier.Version"/>. Numbers are little-endian.
/// </summary>
internal static class ModelFile
{
    /// <summary>3: each neighbour-index text's out-of-fold miss flag, and the dispatch calibrator's four weights (the fourth
    /// for the neighbours' misses). A version-2 file is still read: it has neither, so its confidences stay what they were
    /// (the fourth weight is 0) and it keeps its version. A version-1 file is refused with a message asking to retrain (its
    /// confidences meant something else).</summary>
    public const int FormatVersion = 3;

    /// <summary>The oldest format still read.</summary>
    private const int OldestReadable = 2;
    private static readonly byte[] Magic = "HLTXTCLF"u8.ToArray();
    private const int MaxLabels = 10_000;
    private const long MaxPayload = int.MaxValue - 1024;

    public static string Fingerprint(TextClassifier model)
    {
        using var hashing = new HashingStream();
        using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
        {
            WritePayload(model, writer);
        }
        return Convert.ToHexStringLower(hashing.Hash())[..12];
    }

    public static void Write(TextClassifier model, Stream stream)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            WritePayload(model, writer);
        }
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        using var output = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(FormatVersion);
        output.Write((long)bytes.Length);
        output.Write(bytes);
        output.Write(SHA256.HashData(bytes));
    }

    public static TextClassifier Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] payload;
        byte[] hash;
        int version;
        try
        {
            using var input = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var magic = input.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new ModelFormatException("这不是工单分类模型文件（文件头不符）。");
            }
            version = input.ReadInt32();
            if (version is < OldestReadable or > FormatVersion)
            {
                throw new ModelFormatException($"模型文件格式版本 {version} 不受支持（本程序读取版本 {FormatVersion}），请用本程序重新训练。");
            }
            var length = input.ReadInt64();
            if (length is < 0 or > MaxPayload || (stream.CanSeek && length > stream.Length - stream.Position))
            {
                throw new ModelFormatException("模型文件已被截断或损坏（长度不符），请重新训练或恢复备份。");
            }
            payload = input.ReadBytes((int)length);
            hash = input.ReadBytes(32);
            if (payload.Length != length || hash.Length != 32)
            {
                throw new ModelFormatException("模型文件已被截断，请重新训练或恢复备份。");
            }
            if (!SHA256.HashData(payload).AsSpan().SequenceEqual(hash))
            {
                throw new ModelFormatException("模型文件已损坏（校验和不符），请重新训练或恢复备份。");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException("模型文件已被截断，请重新训练或恢复备份。", e);
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload, writable: false), Encoding.UTF8);
            // The version is the hash of the bytes as stored, so an older file keeps the version its decisions were recorded under.
            var model = ReadPayload(reader, version, Convert.ToHexStringLower(hash)[..12]);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new ModelFormatException("模型文件内容与格式不符（多余数据）。");
            }
            return model;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or OverflowException or FormatException
                                      or InvalidDataException or DecoderFallbackException)
        {
            throw new ModelFormatException("模型文件内容与格式不符，请用本程序重新训练。", e);
        }
    }

    private static void WritePayload(TextClassifier model, BinaryWriter writer)
    {
        var settings = model.Ensemble.Space.Settings;
        writer.Write(settings.MaxCharacters);
        writer.Write(settings.MaxOrder);
        writer.Write(settings.SkipBigrams);
        writer.Write(settings.TitleFeatures);
        writer.Write(settings.FoldDigits);
        writer.Write(model.Labels.Count);
        foreach (var label in model.Labels)
        {
            writer.Write(label);
        }
        WriteArray(writer, model.Priors);
        var space = model.Ensemble.Space;
        writer.Write(space.Count);
        writer.Write(MemoryMarshal.AsBytes(space.Hashes.AsSpan()));
        writer.Write(MemoryMarshal.AsBytes(space.Idf.AsSpan()));
        writer.Write(model.Ensemble.Members.Length);
        foreach (var member in model.Ensemble.Members)
        {
            writer.Write((byte)member.Kind);
            if (member.Neighbours is { } neighbours)
            {
                writer.Write(neighbours.Count);
                writer.Write(neighbours.Labels.Length);
                writer.Write(MemoryMarshal.AsBytes(neighbours.Labels.AsSpan()));
                writer.Write(MemoryMarshal.AsBytes(neighbours.Start.AsSpan()));
                writer.Write(MemoryMarshal.AsBytes(neighbours.Documents.AsSpan()));
                writer.Write(MemoryMarshal.AsBytes(neighbours.Values.AsSpan()));
                writer.Write(neighbours.Misses is not null);
                if (neighbours.Misses is { } misses)
                {
                    writer.Write(MemoryMarshal.AsBytes(misses.AsSpan()));
                    writer.Write(neighbours.MissFolds!);
                }
            }
            else
            {
                writer.Write(MemoryMarshal.AsBytes(member.Linear!.Weights.AsSpan()));
                writer.Write(MemoryMarshal.AsBytes(member.Linear.Bias.AsSpan()));
            }
        }
        WriteArray(writer, model.StackWeights);
        WriteArray(writer, model.DispatchWeights);
        writer.Write(model.Threshold);
        writer.Write(model.TargetPrecision);
        var estimate = model.Estimate;
        writer.Write(estimate.Examples);
        writer.Write(estimate.Folds);
        writer.Write(estimate.Accuracy);
        writer.Write(estimate.MacroF1);
        writer.Write(estimate.Dispatch.Threshold);
        writer.Write(estimate.Dispatch.Coverage);
        writer.Write(estimate.Dispatch.Precision);
        writer.Write(estimate.Dispatch.Dispatched);
    }

    private static TextClassifier ReadPayload(BinaryReader reader, int formatVersion, string version)
    {
        var settings = new FeatureSettings(reader.ReadInt32(), reader.ReadInt32(), reader.ReadBoolean(), reader.ReadBoolean(), reader.ReadBoolean());
        try
        {
            settings.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ModelFormatException("模型文件中的特征设置无效。", e);
        }
        var labelCount = Count(reader, MaxLabels);
        if (labelCount < 2)
        {
            throw new ModelFormatException("模型文件中的类别少于两个。");
        }
        var labels = new string[labelCount];
        for (var i = 0; i < labelCount; i++)
        {
            labels[i] = reader.ReadString();
        }
        var priors = ReadDoubles(reader, labelCount);
        var features = Count(reader, int.MaxValue / Math.Max(8, labelCount * 4));
        var hashes = ReadArray<ulong>(reader, features);
        var idf = ReadArray<float>(reader, features);
        var memberCount = Count(reader, 16);
        var members = new Member[memberCount];
        for (var m = 0; m < memberCount; m++)
        {
            var kind = (MemberKind)reader.ReadByte();
            if (!Enum.IsDefined(kind))
            {
                throw new ModelFormatException($"模型文件中有未知的模型成员类型 {(int)kind}。");
            }
            if (kind == MemberKind.Neighbours)
            {
                var count = Count(reader, 1000);
                var documents = Count(reader, int.MaxValue / 4);
                var labelOf = ReadArray<int>(reader, documents);
                var start = ReadArray<int>(reader, features + 1);
                var postings = start[^1];
                if (start[0] != 0 || postings < 0 || labelOf.Any(l => l < 0 || l >= labelCount))
                {
                    throw new ModelFormatException("模型文件中的近邻索引无效。");
                }
                for (var j = 0; j < features; j++)
                {
                    if (start[j + 1] < start[j])
                    {
                        throw new ModelFormatException("模型文件中的近邻索引无效。");
                    }
                }
                var postingDocuments = ReadArray<int>(reader, postings);
                if (postingDocuments.Any(d => d < 0 || d >= documents))
                {
                    throw new ModelFormatException("模型文件中的近邻索引无效。");
                }
                var values = ReadArray<float>(reader, postings);
                bool[]? misses = null;
                byte[]? missFolds = null;
                if (formatVersion >= 3 && reader.ReadBoolean())
                {
                    var flags = ReadArray<byte>(reader, documents);
                    missFolds = ReadArray<byte>(reader, documents);
                    if (documents == 0 || flags.Any(f => f > 1))
                    {
                        throw new ModelFormatException("模型文件中的近邻索引无效。");
                    }
                    misses = [.. flags.Select(f => f == 1)];
                }
                members[m] = new Member(kind, null,
                    new NeighbourIndex(labelCount, count, labelOf, start, postingDocuments, values, misses, missFolds));
            }
            else
            {
                var weights = ReadArray<float>(reader, features * labelCount);
                var bias = ReadArray<float>(reader, labelCount);
                members[m] = new Member(kind, new LinearScorer(labelCount, features, weights, bias));
            }
        }
        var stackWeights = ReadDoubles(reader, members.Sum(m => m.Channels) + labelCount);
        // Version 2 had no neighbourhood input: its three weights, and 0 for the fourth, give its confidences unchanged.
        var dispatchWeights = formatVersion >= 3
            ? ReadDoubles(reader, DispatchCalibrator.Identity.Length)
            : [.. ReadDoubles(reader, 3), 0.0];
        var threshold = reader.ReadDouble();
        var target = reader.ReadDouble();
        var estimate = new TrainingEstimate(reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble(),
            new DispatchFigures(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32()));
        var space = new FeatureSpace(settings, hashes, idf);
        return new TextClassifier(labels, priors, new Ensemble(space, members), stackWeights, dispatchWeights, threshold, target,
            estimate, version);
    }

    private static int Count(BinaryReader reader, int max)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > max || count > reader.BaseStream.Length - reader.BaseStream.Position + 1)
        {
            throw new ModelFormatException("模型文件中的数量字段无效。");
        }
        return count;
    }

    private static void WriteArray(BinaryWriter writer, double[] values)
    {
        writer.Write(values.Length);
        writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static double[] ReadDoubles(BinaryReader reader, int expected)
    {
        var count = reader.ReadInt32();
        if (count != expected)
        {
            throw new ModelFormatException("模型文件中的数组长度不符。");
        }
        return ReadArray<double>(reader, count);
    }

    private static T[] ReadArray<T>(BinaryReader reader, int count) where T : unmanaged
    {
        var result = new T[count];
        var bytes = MemoryMarshal.AsBytes(result.AsSpan());
        if (reader.BaseStream.Length - reader.BaseStream.Position < bytes.Length)
        {
            throw new ModelFormatException("模型文件已被截断，请重新训练或恢复备份。");
        }
        reader.BaseStream.ReadExactly(bytes);
        return result;
    }

    /// <summary>A write-only stream that only hashes what is written: the fingerprint without holding the payload in memory.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Hash() => _hash.GetHashAndReset();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
