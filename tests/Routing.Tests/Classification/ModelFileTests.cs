using Hotline.Routing.Classification;

namespace Hotline.Routing.Tests.Classification;

/// <summary>Saving and loading models: the same decisions after a round trip, and a clear error for any damaged file.</summary>
public sealed class ModelFileTests
{
    private static readonly Lazy<(TextClassifier Model, byte[] Bytes)> Saved = new(() =>
    {
        var model = ClassifierTrainer.Train(Synthetic.Examples());
        using var stream = new MemoryStream();
        model.Save(stream);
        return (model, stream.ToArray());
    });

    private static TextClassifier Load(byte[] bytes) => TextClassifier.Load(new MemoryStream(bytes));

    [Fact]
    public void RoundTrip_KeepsVersionThresholdAndPredictions()
    {
        var (model, bytes) = Saved.Value;
        var loaded = Load(bytes);
        Assert.Equal(model.Version, loaded.Version);
        Assert.Equal(model.Labels, loaded.Labels);
        Assert.Equal(model.Threshold, loaded.Threshold);
        Assert.Equal(model.Estimate, loaded.Estimate);
        foreach (var text in new[] { "小区物业不管电梯维修", "公交线路太少", "", "学校乱收费😀" })
        {
            Assert.Equal(model.Predict(text), loaded.Predict(text), new PredictionComparer());
        }
    }

    [Fact]
    public void RoundTrip_ThroughAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hotline-model-{Guid.NewGuid():N}.bin");
        try
        {
            Saved.Value.Model.Save(path);
            Assert.Equal(Saved.Value.Model.Version, TextClassifier.Load(path).Version);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(30)]
    [InlineData(-1)]
    public void TruncatedFile_IsAClearError(int keep)
    {
        var bytes = Saved.Value.Bytes;
        var cut = bytes[..(keep >= 0 ? keep : bytes.Length - 1)];
        var error = Assert.Throws<ModelFormatException>(() => Load(cut));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void FlippedBit_IsDetectedByTheChecksum()
    {
        var bytes = Saved.Value.Bytes.ToArray();
        bytes[bytes.Length / 2] ^= 0x10;
        var error = Assert.Throws<ModelFormatException>(() => Load(bytes));
        Assert.Contains("损坏", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForeignFile_IsRejectedByItsHeader()
    {
        var error = Assert.Throws<ModelFormatException>(() => Load("{\"not\":\"a model\"} and some more text"u8.ToArray()));
        Assert.Contains("不是", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NewerFormatVersion_IsRejected()
    {
        var bytes = Saved.Value.Bytes.ToArray();
        bytes[8] = 99;
        var error = Assert.Throws<ModelFormatException>(() => Load(bytes));
        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatVersion2_SavedByThePreviousRelease_LoadsWithItsVersionAndConfidences()
    {
        // Written by the release before the neighbours' miss flags (format 2), training on Synthetic.Examples(); the figures
        // below are what that release answered. An installation's active model must keep working, and keep the version its
        // recorded decisions name, until it is retrained.
        var model = TextClassifier.Load(Path.Combine(AppContext.BaseDirectory, "Classification", "Fixtures", "model-format-2.bin"));

        Assert.Equal("78e573ea1993", model.Version);
        Assert.Equal(0.9977560502195939, model.Threshold, 12);
        var answers = new (string Text, string Label, double Confidence, bool Dispatch)[]
        {
            ("小区物业不管电梯维修", "住建", 0.9999961316854992, true),
            ("公交线路太少", "交通", 0.9998160907902363, true),
            ("", "交通", 0.33333333333333354, false),
            ("学校乱收费😀", "教育", 0.9999740702459309, true),
        };
        foreach (var (text, label, confidence, dispatch) in answers)
        {
            var prediction = model.Predict(text);
            Assert.Equal(label, prediction.Label);
            Assert.Equal(confidence, prediction.Confidence, 12);
            Assert.Equal(dispatch, prediction.Dispatch);
        }
    }

    [Fact]
    public void NeighbourMisses_SurviveTheRoundTrip()
    {
        var model = Saved.Value.Model;
        var neighbours = model.Ensemble.Members.Single(m => m.Neighbours is not null).Neighbours!;
        var loaded = Load(Saved.Value.Bytes).Ensemble.Members.Single(m => m.Neighbours is not null).Neighbours!;

        Assert.NotNull(neighbours.Misses);
        Assert.Equal(neighbours.Misses, loaded.Misses);
        Assert.Equal(neighbours.MissFolds, loaded.MissFolds);
        Assert.Equal(model.DispatchWeights, Load(Saved.Value.Bytes).DispatchWeights);
    }

    [Fact]
    public void FormatVersion1_IsRejectedWithAskToRetrain()
    {
        // Version 1 stored no dispatch calibrator; its confidences meant the top probability, so it is refused, not guessed at.
        var bytes = Saved.Value.Bytes.ToArray();
        bytes[8] = 1;
        var error = Assert.Throws<ModelFormatException>(() => Load(bytes));
        Assert.Contains("版本 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("重新训练", error.Message, StringComparison.Ordinal);
    }

    private sealed class PredictionComparer : IEqualityComparer<Prediction>
    {
        public bool Equals(Prediction? x, Prediction? y) =>
            x is not null && y is not null && x.Label == y.Label && x.Confidence == y.Confidence && x.Reason == y.Reason
            && x.Dispatch == y.Dispatch && x.Top.SequenceEqual(y.Top) && x.Evidence.SequenceEqual(y.Evidence);

        public int GetHashCode(Prediction obj) => obj.Label.GetHashCode(StringComparison.Ordinal);
    }
}
