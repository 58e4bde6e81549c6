using Hotline.Routing.Catalogue;
using Hotline.Routing.Classification;
using Hotline.Routing.Engine;
using Hotline.Routing.Tickets;

namespace Hotline.Routing.Tests.Engine;

public sealed class EnsembleRulesTests
{
    private static readonly CategoryInfo[] Categories =
    [
        new("urban", "城乡建设", "city-housing", "市住房和城乡建设局"),
        new("environment", "环境保护", "city-environment", "市生态环境局"),
        new("transport", "交通运输", "city-transport", "市交通运输局"),
    ];

    /// <summary>The model's answer; its calibrated confidence in the first label is that label's probability unless given.</summary>
    private static ModelSays Model(double urban, double environment, double threshold = 0.9, double? confidence = null)
    {
        var transport = Math.Max(0, 1 - urban - environment);
        LabelScore[] ranked = [.. new LabelScore[] { new("城乡建设", urban), new("环境保护", environment), new("交通运输", transport) }
            .OrderByDescending(s => s.Probability)];
        return new ModelSays("v1", ranked, confidence ?? ranked[0].Probability, "文本模型的理由。", threshold);
    }

    /// <summary>A matched matter; named in the title unless <paramref name="inTitle"/> is false (found only in the content).</summary>
    private static CatalogueSays Matter(string name, string category, string department, int score = 4, bool strong = true, bool inTitle = true) =>
        new(Guid.NewGuid(), name, category, [name], score, strong,
            new ResolvedUnit(new DepartmentId(department), department + "名称", $"由「{department}名称」承办", false), inTitle ? score : 0);

    private static CaseSays Case(string category, string department, double similarity = 0.6, bool areaMismatch = false) =>
        new(Guid.NewGuid(), "案例", similarity, category, department, department + "名称", areaMismatch);

    private static EnsembleDecision Combine(ModelSays model, CatalogueSays[]? catalogue = null, CaseSays[]? cases = null) =>
        EnsembleRules.Combine(new EnsembleInput(model, catalogue ?? [], cases ?? [], Categories, new TriageResult(null, null, null, null)));

    [Fact]
    public void ModelAlone_ChoosesTheCategoryAndItsUsualDepartment()
    {
        var d = Combine(Model(0.95, 0.03));
        Assert.Equal(("urban", "city-housing", "category"), (d.CategoryId, d.DepartmentId, d.DepartmentSource));
        Assert.Equal(0.95, d.Confidence);
        Assert.True(d.WouldDispatch);
    }

    [Fact]
    public void AConfidenceThatRoundsToTheThreshold_IsJudgedAsShown()
    {
        // 0.979996 is shown (and stored) as 0.98: the verdict must agree with the number the dispatcher reads.
        var d = Combine(Model(0.979996, 0.01, threshold: 0.98));
        Assert.Equal(0.98, d.Confidence);
        Assert.True(d.WouldDispatch);
        Assert.Contains("可自动派单", d.Reason);
    }

    [Fact]
    public void CatalogueMatchInTheModelsCategory_PicksTheAreaUnit_AndKeepsTheModelsConfidence()
    {
        var d = Combine(Model(0.95, 0.03), [Matter("占道经营", "urban", "lake-office")]);
        Assert.Equal(("urban", "lake-office", "catalogue"), (d.CategoryId, d.DepartmentId, d.DepartmentSource));
        Assert.Equal(0.95, d.Confidence);
        Assert.True(d.WouldDispatch);
        Assert.StartsWith("派往「lake-office名称」", d.Reason);
        Assert.Contains("派单目录：匹配事项「占道经营」", d.Reason);
    }

    [Fact]
    public void WithAutomaticDispatchOff_ASureTicketWaits_AndTheReasonSaysWhy()
    {
        // A centre where a dispatcher confirms every ticket: the decision is the same, the verdict is a person's.
        var d = EnsembleRules.Combine(new EnsembleInput(Model(0.95, 0.03), [], [], Categories, new TriageResult(null, null, null, null),
            AutoDispatch: false));
        Assert.Equal(("urban", "city-housing", 0.95), (d.CategoryId, d.DepartmentId, d.Confidence));
        Assert.False(d.WouldDispatch);
        Assert.StartsWith("建议派往「市住房和城乡建设局」", d.Reason);
        Assert.Contains("达到自动派单阈值 0.90，但本中心未开启自动派单，请人工确认。", d.Reason);
        Assert.DoesNotContain("可自动派单", d.Reason);
    }

    [Fact]
    public void AModelWithoutAThreshold_DispatchesNothing_AndTheReasonSaysWhy()
    {
        // No confidence kept 98 % precision on its training data (little or contradictory history): the threshold is infinite.
        var d = Combine(Model(0.99, 0.01, threshold: double.PositiveInfinity));
        Assert.False(d.WouldDispatch);
        Assert.Contains("该模型在训练数据上达不到自动派单所需的准确率，请人工确认。", d.Reason);
        Assert.DoesNotContain("∞", d.Reason);
        Assert.DoesNotContain("Infinity", d.Reason);
    }

    [Fact]
    public void BelowTheThreshold_NothingIsDispatched_WhateverTheCatalogueSays()
    {
        var d = Combine(Model(0.85, 0.1), [Matter("占道经营", "urban", "lake-office", score: 12)], [Case("urban", "lake-office"), Case("urban", "lake-office")]);
        Assert.Equal("lake-office", d.DepartmentId);
        Assert.False(d.WouldDispatch);
        Assert.Contains("低于自动派单阈值 0.90", d.Reason);
    }

    [Fact]
    public void Confidence_IsTheModelsCalibratedConfidence_NotItsTopProbability()
    {
        // The threshold was chosen for the calibrated confidence: a high top probability on a text whose neighbourhood the
        // model often got wrong must not dispatch, and a calibrated confidence above the top probability may.
        var doubtful = Combine(Model(0.95, 0.03, confidence: 0.85));
        Assert.Equal(("urban", 0.85), (doubtful.CategoryId, doubtful.Confidence));
        Assert.False(doubtful.WouldDispatch);
        Assert.Contains("低于自动派单阈值 0.90", doubtful.Reason);

        var sure = Combine(Model(0.88, 0.1, confidence: 0.93));
        Assert.Equal(0.93, sure.Confidence);
        Assert.True(sure.WouldDispatch);
    }

    [Fact]
    public void StrongCatalogueMatchElsewhere_OverridesAModelWhoseCalibratedConfidenceIsLow()
    {
        var d = Combine(Model(0.95, 0.03, confidence: 0.75), [Matter("夜间施工噪音", "environment", "city-environment")]);
        Assert.Equal(("environment", 0.03), (d.CategoryId, d.Confidence));
        Assert.False(d.WouldDispatch);
        Assert.Contains("文本模型把握不足（「城乡建设」0.75）", d.Reason);
    }

    [Fact]
    public void StrongCatalogueMatchElsewhere_BelowTheThresholdButNotDoubtful_KeepsTheModelsCategory_ForADispatcher()
    {
        // 0.8 to the threshold (0.9): measured, the model was right far more often than the catalogue there.
        foreach (var confidence in new[] { EnsembleRules.CatalogueOverridesBelow, 0.85 })
        {
            var d = Combine(Model(0.95, 0.03, confidence: confidence), [Matter("夜间施工噪音", "environment", "city-environment")]);
            Assert.Equal(("urban", confidence), (d.CategoryId, d.Confidence));
            Assert.False(d.WouldDispatch);
            Assert.Contains(d.Holds, h => h.Contains("夜间施工噪音", StringComparison.Ordinal));
            Assert.DoesNotContain("按派单目录事项", d.Reason);
        }
    }

    [Fact]
    public void StrongCatalogueMatchElsewhere_HoldsASureModelBack()
    {
        var d = Combine(Model(0.95, 0.03), [Matter("夜间施工噪音", "environment", "city-environment")]);
        Assert.Equal("urban", d.CategoryId);
        Assert.False(d.WouldDispatch);
        Assert.Contains(d.Holds, h => h.Contains("夜间施工噪音", StringComparison.Ordinal));
    }

    [Fact]
    public void WeakCatalogueMatchElsewhere_DoesNotHoldASureModelBack()
    {
        var d = Combine(Model(0.95, 0.03), [Matter("夜间施工噪音", "environment", "city-environment", score: 2, strong: false)]);
        Assert.True(d.WouldDispatch);
        Assert.Equal("city-housing", d.DepartmentId);
    }

    [Fact]
    public void StrongCatalogueMatchElsewhere_OverridesAnUnsureModel_ButCannotDispatch()
    {
        var d = Combine(Model(0.6, 0.3), [Matter("夜间施工噪音", "environment", "city-environment")]);
        Assert.Equal(("environment", "city-environment", "catalogue"), (d.CategoryId, d.DepartmentId, d.DepartmentSource));
        Assert.Equal(0.3, d.Confidence);
        Assert.False(d.WouldDispatch);
        Assert.Contains("按派单目录事项「夜间施工噪音」", d.Reason);
    }

    [Fact]
    public void NearTie_IsBrokenByAStrongCatalogueMatch()
    {
        var d = Combine(Model(0.48, 0.45), [Matter("夜间施工噪音", "environment", "city-environment")]);
        Assert.Equal("environment", d.CategoryId);
        Assert.Equal(0.45, d.Confidence);
        Assert.Contains("派单目录支持后者", d.Reason);
        Assert.False(d.WouldDispatch);
    }

    [Fact]
    public void AMatterNamedOnlyInTheContent_NeitherOverridesNorHolds_NorBreaksATie_NorVouchesForTheModel()
    {
        var inContent = Matter("夜间施工噪音", "environment", "city-environment", inTitle: false);
        var doubtful = Combine(Model(0.95, 0.03, confidence: 0.75), [inContent]);
        Assert.Equal(("urban", 0.75), (doubtful.CategoryId, doubtful.Confidence));
        Assert.DoesNotContain("按派单目录事项", doubtful.Reason);
        Assert.Contains("仅见于正文（强匹配），不据以改变分类", doubtful.Reason);

        var sure = Combine(Model(0.95, 0.03), [inContent]);
        Assert.Empty(sure.Holds);
        Assert.True(sure.WouldDispatch);

        var tie = Combine(Model(0.48, 0.45), [inContent]);
        Assert.Equal("urban", tie.CategoryId);
        Assert.DoesNotContain("派单目录支持后者", tie.Reason);

        // Nor does it vouch for the model against a matter the title names: the title says what the ticket is about.
        var titled = Combine(Model(0.95, 0.03), [Matter("夜间施工噪音", "environment", "city-environment"),
            Matter("违法建设", "urban", "east-gov", inTitle: false)]);
        Assert.Contains(titled.Holds, h => h.Contains("夜间施工噪音", StringComparison.Ordinal));
        Assert.False(titled.WouldDispatch);
        var doubtfulTitled = Combine(Model(0.95, 0.03, confidence: 0.7), [Matter("夜间施工噪音", "environment", "city-environment"),
            Matter("违法建设", "urban", "east-gov", inTitle: false)]);
        Assert.Equal("environment", doubtfulTitled.CategoryId);
        // A matter of the model's category in the title, even weakly, is agreement.
        var agreed = Combine(Model(0.95, 0.03), [Matter("夜间施工噪音", "environment", "city-environment"),
            Matter("违建", "urban", "east-gov", score: 2, strong: false)]);
        Assert.Empty(agreed.Holds);
        Assert.Equal(("urban", "east-gov"), (agreed.CategoryId, agreed.DepartmentId));
    }

    [Fact]
    public void TheReason_SaysWhereAndHowStronglyTheMatterWasNamed()
    {
        string Said(CatalogueSays matter) => Combine(Model(0.95, 0.03), [matter]).Members.Single(m => m.Member == "catalogue").Said;
        Assert.Contains("标题中强匹配", Said(Matter("占道经营", "urban", "lake-office")));
        Assert.Contains("标题中弱匹配，全文强匹配", Said(Matter("小区物业服务", "urban", "lake-office", score: 5) with { TitleScore = 2 }));
        Assert.Contains("仅见于正文（弱匹配），不据以改变分类", Said(Matter("物业", "urban", "lake-office", score: 2, strong: false, inTitle: false)));
    }

    [Fact]
    public void AMatterNamedInTheTitle_PicksTheDepartment_BeforeAnEqualOrBetterMatchInTheContentOnly()
    {
        foreach (var contentScore in new[] { 4, 8 })
        {
            var d = Combine(Model(0.95, 0.03), [Matter("违法建设", "urban", "east-gov", score: contentScore, inTitle: false),
                Matter("小区物业服务", "urban", "lake-office")]);
            Assert.Equal(("lake-office", "catalogue"), (d.DepartmentId, d.DepartmentSource));
            Assert.Empty(d.Holds); // equally matched in the text, but only one is the title's: not a tie
            Assert.True(d.WouldDispatch);
        }
        // A word of a matter in passing in the title (weak) does not outrank a matter the content names in full.
        var passing = Combine(Model(0.95, 0.03), [Matter("小区物业服务", "urban", "lake-office", score: 2, strong: false),
            Matter("违法建设", "urban", "east-gov", inTitle: false)]);
        Assert.Equal("east-gov", passing.DepartmentId);
    }

    [Fact]
    public void NearTie_IsNotBrokenBySimilarCases()
    {
        // Measured: the cases' vote was wrong more often than the model's first choice on near ties (see EnsembleRules).
        var d = Combine(Model(0.48, 0.45), cases: [Case("environment", "city-environment"), Case("environment", "city-environment"), Case("urban", "city-housing")]);
        Assert.Equal("urban", d.CategoryId);
        Assert.Empty(d.Notes);
    }

    [Fact]
    public void ClearModelLead_IsNotOverturnedBySimilarCases()
    {
        var d = Combine(Model(0.7, 0.25), cases: [Case("environment", "city-environment"), Case("environment", "city-environment")]);
        Assert.Equal("urban", d.CategoryId);
    }

    [Fact]
    public void AgreeingSimilarCases_PickTheDepartmentWithinTheCategory()
    {
        var d = Combine(Model(0.95, 0.03), cases: [Case("urban", "city-um"), Case("urban", "city-um"), Case("urban", "city-housing")]);
        Assert.Equal(("city-um", "cases"), (d.DepartmentId, d.DepartmentSource));
        Assert.True(d.WouldDispatch);
    }

    [Fact]
    public void OneOrdinarySimilarCase_IsEvidenceOnly_ButANearDuplicateDecides()
    {
        Assert.Equal("category", Combine(Model(0.95, 0.03), cases: [Case("urban", "city-um", similarity: 0.6)]).DepartmentSource);
        Assert.Equal("city-um", Combine(Model(0.95, 0.03), cases: [Case("urban", "city-um", similarity: 0.85)]).DepartmentId);
    }

    [Fact]
    public void CasesBelowTheSimilarityThreshold_OrHandledByAnotherAreasUnit_AreNotReused()
    {
        Assert.Equal("city-housing", Combine(Model(0.95, 0.03), cases: [Case("urban", "city-um", 0.2), Case("urban", "city-um", 0.2)]).DepartmentId);
        var d = Combine(Model(0.95, 0.03), cases: [Case("urban", "hill-office", areaMismatch: true), Case("urban", "hill-office", areaMismatch: true)]);
        Assert.Equal("city-housing", d.DepartmentId);
        Assert.Contains("不沿用", d.Reason);
    }

    [Fact]
    public void CatalogueRule_OutranksSimilarCases()
    {
        var d = Combine(Model(0.95, 0.03), [Matter("占道经营", "urban", "lake-office")], [Case("urban", "city-um"), Case("urban", "city-um")]);
        Assert.Equal("lake-office", d.DepartmentId);
    }

    [Fact]
    public void TwoEquallyMatchedMattersWithDifferentUnits_HoldDispatchBack()
    {
        var d = Combine(Model(0.95, 0.03), [Matter("小区物业服务", "urban", "lake-office"), Matter("违法建设", "urban", "east-gov")]);
        Assert.False(d.WouldDispatch);
        Assert.Contains(d.Holds, h => h.Contains("同样匹配", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryMemberIsRecorded()
    {
        var d = Combine(Model(0.95, 0.03));
        Assert.Equal(["model", "catalogue", "cases", "triage"], d.Members.Select(m => m.Member));
        Assert.Equal("没有匹配的事项。", d.Members[1].Said);
    }

    [Fact]
    public void AnAdvisorThatDisagrees_HoldsDispatchBack_ButNeverMovesTheTicket()
    {
        var d = Combine(Model(0.95, 0.03));
        var agreed = EnsembleRules.WithAdvisors(d, [("llm", new AdvisorOpinion("同意。", "urban", "city-housing"))]);
        Assert.True(agreed.WouldDispatch);
        var disagreed = EnsembleRules.WithAdvisors(d, [("llm", new AdvisorOpinion("应由交通部门办理。", "transport"))]);
        Assert.False(disagreed.WouldDispatch);
        Assert.Equal(("urban", "city-housing"), (disagreed.CategoryId, disagreed.DepartmentId));
        Assert.Equal("llm", disagreed.Members[^1].Member);
        Assert.Contains("应由交通部门办理", disagreed.Reason);
    }

    private static EnsembleDecision? WithoutModel(CatalogueSays[]? catalogue = null, CaseSays[]? cases = null) =>
        EnsembleRules.WithoutModel(catalogue ?? [], cases ?? [], Categories, new TriageResult(null, null, null, null), "尚未训练分类模型。");

    [Fact]
    public void WithoutAModel_TheMatterTheTitleNames_ChoosesCategoryAndDepartment_AndNothingIsDispatched()
    {
        var d = WithoutModel([Matter("物业", "urban", "lake-office", inTitle: false, score: 6), Matter("夜间施工噪音", "environment", "city-environment")])!;
        Assert.Equal(("environment", "city-environment", "catalogue"), (d.CategoryId, d.DepartmentId, d.DepartmentSource));
        Assert.Null(d.Confidence);
        Assert.False(d.WouldDispatch);
        Assert.StartsWith("建议派往「city-environment名称」（分类「环境保护」；承办单位按派单目录属地规则确定）；没有可用的文本模型，不自动派单，请人工确认。", d.Reason);
        Assert.Contains("分类依据派单目录事项「夜间施工噪音」", d.Reason);
        Assert.Contains("文本模型：尚未训练分类模型。", d.Reason);
    }

    [Fact]
    public void WithoutAModel_AgreeingCasesChooseWhenNoMatterMatches_AndNothingAtAllGivesNoDecision()
    {
        var d = WithoutModel(cases: [Case("transport", "city-bus"), Case("transport", "city-bus"), Case("urban", "city-housing")])!;
        Assert.Equal(("transport", "city-bus", "cases"), (d.CategoryId, d.DepartmentId, d.DepartmentSource));
        Assert.Contains("分类依据相似的已办结工单", d.Reason);
        Assert.False(d.WouldDispatch);

        Assert.Null(WithoutModel(cases: [Case("transport", "city-bus"), Case("urban", "city-housing")])); // no majority, no near-duplicate
        Assert.Null(WithoutModel(cases: [Case("transport", "city-bus", similarity: 0.05)])); // below the similarity that counts
        Assert.Null(WithoutModel());
        Assert.Equal("transport", WithoutModel(cases: [Case("transport", "city-bus", similarity: 0.85)])!.CategoryId); // near-duplicate
        Assert.Null(WithoutModel(cases: [Case("retired", "city-bus", similarity: 0.85)])); // a category no longer in the list
    }
}

public sealed class TriageTests
{
    [Theory]
    [InlineData("厨房里闻到煤气，好像燃气泄漏了", Urgency.Emergency, "燃气泄漏")]
    [InlineData("小区从早上开始停水，没有通知", Urgency.Utilities, "停水")]
    [InlineData("路灯不亮", null, null)]
    public void Urgency_FollowsTheMostSevereWord(string text, Urgency? urgency, string? word)
    {
        var result = Triage.Assess(text);
        Assert.Equal((urgency, word), (result.Urgency, result.UrgencyWord));
    }

    [Fact]
    public void Type_IsReadFromTheCitizensVerb()
    {
        Assert.Equal(TicketType.Report, Triage.Assess("我要举报一家无证餐馆").Type);
        Assert.Equal(TicketType.Consultation, Triage.Assess("请问公积金怎么提取").Type);
        Assert.Null(Triage.Assess("门口道路破损").Type);
    }

    [Fact]
    public void Urgency_IsOnlyEverRaised()
    {
        Assert.Equal(Urgency.Emergency, Triage.Raise(Urgency.Normal, Urgency.Emergency));
        Assert.Equal(Urgency.Emergency, Triage.Raise(Urgency.Emergency, Urgency.Utilities));
        Assert.Equal(Urgency.Utilities, Triage.Raise(Urgency.Utilities, null));
    }
}
