using Hotline.Routing.Classification;

namespace Hotline.Routing.Tests.Classification;

/// <summary>The text classifier on small synthetic data: what it learns, how sure it is, and what it does with bad input.</summary>
public sealed class ClassifierTests
{
    private static readonly Lazy<TextClassifier> Model = new(() => ClassifierTrainer.Train(Synthetic.Examples()));

    [Fact]
    public void Train_OnSeparableClasses_PredictsEachClass()
    {
        var model = Model.Value;
        Assert.Equal(["交通", "住建", "教育"], model.Labels);
        Assert.Equal("住建", model.Predict("小区物业不管电梯维修").Label);
        Assert.Equal("交通", model.Predict("公交线路太少，出租车拒载").Label);
        Assert.Equal("教育", model.Predict("学校老师乱收补课费").Label);
    }

    [Fact]
    public void Confidence_IsHigherForAClearTextThanForAMixedOne()
    {
        var clear = Model.Value.Predict("小区物业电梯坏了，物业维修拖延");
        var mixed = Model.Value.Predict("物业门口公交站");
        Assert.True(clear.Confidence > mixed.Confidence, $"{clear.Confidence} vs {mixed.Confidence}");
        // Confidence is the calibrated chance that the top label is right, not the top label's probability itself.
        Assert.Equal(clear.Label, clear.Top[0].Label);
        Assert.InRange(clear.Confidence, 0, 1);
        Assert.True(clear.Top.Zip(clear.Top.Skip(1)).All(p => p.First.Probability >= p.Second.Probability));
        Assert.InRange(clear.Top.Sum(t => t.Probability), 0.99, 1.0 + 1e-9);
    }

    [Fact]
    public void Confidence_WeighsHowOftenTheModelMissedAroundTheText()
    {
        // Every fifth label flipped, so the out-of-fold predictions miss and the neighbours' miss flags mean something.
        var noisy = Synthetic.Examples().Select((e, i) => i % 5 == 0 ? e with { Label = e.Label == "住建" ? "教育" : "住建" } : e).ToList();
        var model = ClassifierTrainer.Train(noisy);
        var text = "小区物业电梯维修";
        var prepared = model.Ensemble.Prepare(text);
        var probabilities = Stacker.Probabilities(model.Ensemble.Score(prepared), model.StackWeights);
        var missOdds = model.Ensemble.MissOdds(prepared);

        Assert.NotNull(missOdds);
        Assert.NotEqual(0.0, model.DispatchWeights[3]);
        var withNeighbourhood = DispatchCalibrator.Confidence(model.DispatchWeights, probabilities, missOdds);
        var without = DispatchCalibrator.Confidence(model.DispatchWeights, probabilities);
        Assert.NotEqual(without, withNeighbourhood, 6);
        Assert.Equal(withNeighbourhood, model.Predict(text).Confidence, 12);
    }

    [Fact]
    public void Prediction_ExplainsItselfWithTheTextsOwnWords()
    {
        var prediction = Model.Value.Predict("小区物业不管电梯维修");
        Assert.NotEmpty(prediction.Evidence);
        Assert.All(prediction.Evidence, e => Assert.Contains(e, "小区物业不管电梯维修", StringComparison.Ordinal));
        Assert.Contains("住建", prediction.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evidence_QuotesSeparateSpans_OverlappingOnesAsOne()
    {
        // 电梯坏 and 梯坏了 are one stretch of the ticket (电梯坏了): quoting both reads as a stutter.
        foreach (var text in Synthetic.Examples().Select(e => e.Text).Distinct())
        {
            var evidence = Model.Value.Predict(text).Evidence;
            Assert.InRange(evidence.Count, 0, 3);
            var ranges = evidence.Select(e => (Start: text.IndexOf(e, StringComparison.Ordinal), e.Length)).ToList();
            Assert.All(ranges, r => Assert.True(r.Start >= 0));
            Assert.All(ranges.SelectMany((a, i) => ranges.Skip(i + 1).Select(b => (a, b))),
                p => Assert.True(p.a.Start + p.a.Length <= p.b.Start || p.b.Start + p.b.Length <= p.a.Start, $"{text}: {string.Join("|", evidence)}"));
        }
    }

    [Fact]
    public void Evidence_QuotesTheSpanASkipBigramWasReadFrom()
    {
        var extracted = TextFeatures.Extract("住房公积金", new FeatureSettings());
        var skips = extracted.NGrams.Where(g => g.Family == NGramFamily.Skip).Select(extracted.Show).ToList();
        Assert.Equal(["住房公", "房公积", "公积金"], skips);
    }

    [Fact]
    public void Evidence_QuotesTheTicketsOwnCharacters_NotTheNormalisedOnes()
    {
        // The model reads digits as 0, letters in lower case and full-width forms as ASCII; a dispatcher reads the ticket.
        var extracted = TextFeatures.Extract("ＡBC小区路灯3天！！\n😀Wi-Fi坏了", new FeatureSettings());
        var bigrams = extracted.NGrams.Where(g => g.Family == NGramFamily.Characters && g.Length == 2).Select(extracted.Show).ToList();
        Assert.Equal(["ＡB", "BC", "C小", "小区", "区路", "路灯", "灯3", "3天", "Wi", "Fi", "i坏", "坏了"], bigrams);
    }

    [Theory]
    [InlineData("小区物业不管电梯维修")]
    [InlineData("物业门口公交站")]
    public void Finding_SaysWhatTheTextPointsTo_AndLeavesTheVerdictToWhoeverDecides(string text)
    {
        // The routing engine quotes the finding and states one verdict for the whole ensemble; a verdict of the text model's own
        // inside it could contradict the engine's (可自动派单 at the head, 请人工确认 in the model's sentence).
        var prediction = Model.Value.Predict(text);
        Assert.StartsWith(prediction.Evidence.Count > 0 ? "文本中的" : "综合判断为", prediction.Finding, StringComparison.Ordinal);
        Assert.Contains($"「{prediction.Label}」（置信度", prediction.Finding, StringComparison.Ordinal);
        Assert.Contains($"次选「{prediction.Top[1].Label}」", prediction.Finding, StringComparison.Ordinal);
        Assert.DoesNotContain("派单", prediction.Finding, StringComparison.Ordinal);
        Assert.DoesNotContain("人工", prediction.Finding, StringComparison.Ordinal);
        Assert.Contains(prediction.Dispatch ? "可自动派单" : "请人工确认", prediction.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("😀😀🎉🎉👍")]
    [InlineData("！？。，、……")]
    public void TextWithNothingKnown_GetsAPriorAnswer_NotDispatched(string text)
    {
        var prediction = Model.Value.Predict(text);
        Assert.False(prediction.Dispatch);
        Assert.True(prediction.Confidence < 0.5);
        Assert.Contains("人工", prediction.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NullText_IsTreatedAsEmpty()
    {
        Assert.False(Model.Value.Predict(null).Dispatch);
    }

    [Fact]
    public void HugeAndMixedTexts_AreClassified_WithoutThrowing()
    {
        var huge = string.Concat(Enumerable.Repeat("ABC123水电费😀物业", 10_000));
        Assert.True(huge.Length >= 100_000);
        var big = Model.Value.Predict(huge);
        Assert.InRange(big.Confidence, 0, 1);
        var mixed = Model.Value.Predict("WiFi 5G 12345 ＡＢＣ１２３ abc 公交 2024年");
        Assert.InRange(mixed.Confidence, 0, 1);
        Assert.Contains(mixed.Label, Model.Value.Labels);
    }

    [Fact]
    public void Training_IsDeterministic()
    {
        var again = ClassifierTrainer.Train(Synthetic.Examples());
        Assert.Equal(Model.Value.Version, again.Version);
        Assert.Equal(Model.Value.Threshold, again.Threshold);
    }

    [Fact]
    public void Training_NeedsTwoLabels()
    {
        var one = Enumerable.Range(0, 20).Select(i => new LabelledText($"物业{i}", "住建")).ToList();
        Assert.Throws<ArgumentException>(() => ClassifierTrainer.Train(one));
    }

    [Fact]
    public void Training_RejectsBlankLabels()
    {
        var examples = Synthetic.Examples().Append(new LabelledText("物业", " ")).ToList();
        Assert.Throws<ArgumentException>(() => ClassifierTrainer.Train(examples));
    }

    [Fact]
    public void CrossValidation_OnSeparableClasses_IsNearlyPerfect()
    {
        var report = ClassifierTrainer.CrossValidate(Synthetic.Examples(), 5);
        Assert.True(report.Figures.MacroF1 > 0.95, $"macro-F1 {report.Figures.MacroF1}");
        Assert.Equal(Synthetic.Examples().Count, report.Predictions.Count);
    }
}

/// <summary>Three departments with their own vocabulary, plus words every ticket shares; fixed seed.</summary>
internal static class Synthetic
{
    private static readonly string[] Shared = ["请问", "希望", "尽快", "解决", "投诉", "市民", "反映", "问题"];

    private static readonly Dictionary<string, string[]> Words = new()
    {
        ["住建"] = ["小区", "物业", "电梯", "维修", "房屋", "漏水", "开发商", "业主"],
        ["交通"] = ["公交", "线路", "出租车", "拒载", "站台", "红绿灯", "驾校", "车辆"],
        ["教育"] = ["学校", "老师", "补课", "收费", "学生", "幼儿园", "招生", "教材"],
    };

    public static List<LabelledText> Examples()
    {
        var random = new Random(7);
        var examples = new List<LabelledText>();
        foreach (var (label, words) in Words)
        {
            for (var i = 0; i < 40; i++)
            {
                var parts = Enumerable.Range(0, 4).Select(_ => words[random.Next(words.Length)])
                    .Append(Shared[random.Next(Shared.Length)]).Append(Shared[random.Next(Shared.Length)])
                    .OrderBy(_ => random.Next()).ToList();
                examples.Add(new LabelledText(string.Concat(parts), label));
            }
        }
        return examples;
    }
}
