using Hotline.Routing.Llm;

namespace Hotline.Routing.Tests.Llm;

/// <summary>What the prompt says, read without a model.</summary>
public sealed class RoutingPromptTests
{
    [Fact]
    public void Case_NamesTheUsualDepartmentOfEachCategory()
    {
        var text = RoutingPrompt.Case(LlmRoutingAdvisorTests.Question(), maxSimilarCases: 5);

        Assert.Contains("- urban-construction：城乡建设（通常由「市住房和城乡建设局」承办）", text, StringComparison.Ordinal);
        Assert.Contains("- chengdong-gov：城东区人民政府。职责：城东区属地事项。", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_TakesOnlyTheFirstSimilarCases()
    {
        var question = LlmRoutingAdvisorTests.Question() with
        {
            SimilarCases = [.. Enumerable.Range(1, 8).Select(i => new SimilarCase($"案例{i}", "城乡建设", "市住房和城乡建设局", null))],
        };

        var text = RoutingPrompt.Case(question, maxSimilarCases: 3);

        Assert.Contains("3. 诉求：案例3", text, StringComparison.Ordinal);
        Assert.DoesNotContain("案例4", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Case_WithoutPrecedents_HasNoPrecedentSection()
    {
        var text = RoutingPrompt.Case(LlmRoutingAdvisorTests.Question() with { SimilarCases = [] }, maxSimilarCases: 5);

        Assert.DoesNotContain("相似的已办结工单", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_WithoutCategories_AsksForNone_AndTheVerdictHasNone()
    {
        var question = LlmRoutingAdvisorTests.Question() with { Categories = [] };

        var schema = RoutingPrompt.Schema(question);

        Assert.False(schema.GetProperty("properties").TryGetProperty("category_id", out _));
        Assert.DoesNotContain(schema.GetProperty("required").EnumerateArray(), r => r.GetString() == "category_id");
    }
}
