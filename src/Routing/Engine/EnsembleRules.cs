using System.Globalization;
using Hotline.Routing.Cases;
using Hotline.Routing.Catalogue;
using Hotline.Routing.Classification;

namespace Hotline.Routing.Engine;

/// <summary>A first-level category with its usual department, as the combination rules need it. <c>SwitchedOffDepartment</c>:
/// the name of its usual department when that has been switched off (then the department fields are null and the reason says
/// why the ticket waits).</summary>
public sealed record CategoryInfo(string Id, string Name, string? DefaultDepartmentId, string? DefaultDepartmentName,
    string? SwitchedOffDepartment = null);

/// <summary>
/// The statistical text model's answer: every label with its probability, best first; <c>Confidence</c>, the calibrated chance
/// that the first label is right (<see cref="Prediction.Confidence"/>), which is what the dispatch threshold was chosen for.
/// <c>NoKnownWords</c>: the text held nothing the model knows (emoji only, say), so its answer is only the commonest label.
/// </summary>
public sealed record ModelSays(string Version, IReadOnlyList<LabelScore> Ranked, double Confidence, string Finding, double Threshold,
    bool NoKnownWords = false);

/// <summary>
/// A matched catalogue matter and the unit its area rule chose (null: its department is inactive). <c>Score</c> and
/// <c>Strong</c> are the match in the whole text; <c>TitleScore</c> the matched characters in the title alone (0: the matter is
/// named only in the content), which is what the category rules read (see <see cref="EnsembleRules"/>).
/// </summary>
public sealed record CatalogueSays(Guid EntryId, string Name, string CategoryId, IReadOnlyList<string> Terms, int Score, bool Strong,
    ResolvedUnit? Unit, int TitleScore)
{
    /// <summary>The title names the matter strongly (see <see cref="MatterMatch.Strong"/>): enough to weigh against the model.</summary>
    public bool NamedInTitle => TitleScore >= MatterMatcher.StrongScore;
}

/// <summary>
/// A similar closed ticket: its final category and department. <c>AreaMismatch</c>: its department is an area unit (street
/// office, district government) of another area than this ticket's, or this ticket's area is unknown, so the department cannot
/// be reused here; <c>DepartmentInactive</c>: its department has been switched off since, likewise.
/// </summary>
public sealed record CaseSays(Guid TicketId, string Title, double Similarity, string? CategoryId, string? DepartmentId,
    string? DepartmentName, bool AreaMismatch, bool DepartmentInactive = false);

/// <summary>
/// Everything the members said about one text, and the centre's <c>AutoDispatch</c> setting: off, every ticket waits for a
/// dispatcher however sure the engine is (and the reason says so rather than "可自动派单").
/// </summary>
public sealed record EnsembleInput(ModelSays Model, IReadOnlyList<CatalogueSays> Catalogue, IReadOnlyList<CaseSays> Cases,
    IReadOnlyList<CategoryInfo> Categories, TriageResult Triage, bool AutoDispatch = true);

/// <summary>
/// What one member of the ensemble said, recorded with the decision: <c>Member</c> is model, catalogue, cases, triage or an
/// advisor's name, <c>Label</c> its Chinese name, <c>Said</c> its sentence.
/// </summary>
public sealed record MemberOpinion(string Member, string Label, string Said, string? CategoryId = null, string? DepartmentId = null,
    double? Strength = null);

/// <summary>
/// The combined decision. <c>DepartmentSource</c> says which member chose the department: catalogue, cases, or category (the
/// category's usual one). <c>Confidence</c> is the text model's calibrated confidence when the chosen category is its first
/// choice, otherwise that category's probability in the model: the only number the dispatch threshold is compared with. Null
/// without a model (<see cref="EnsembleRules.WithoutModel"/>): nothing measured how often such a suggestion is right.
/// <c>Holds</c> are reasons that stop automatic dispatch whatever the confidence (members disagree, ambiguous rules);
/// <c>Notes</c> say how the category came to differ from the model's first choice.
/// </summary>
public sealed record EnsembleDecision(string Label, string? CategoryId, string? DepartmentId, string? DepartmentName, string DepartmentSource,
    double? Confidence, double Threshold, bool WouldDispatch, string Reason, IReadOnlyList<MemberOpinion> Members, IReadOnlyList<string> Holds,
    IReadOnlyList<string> Notes, bool AutoDispatch = true);

/// <summary>
/// How the routing engine's members are combined — simply, so that every decision can be explained in a sentence:
/// <list type="number">
/// <item>The text model chooses the category, and its calibrated confidence is the engine's (the threshold was chosen for that
/// number: its 98 % precision is measured on it, not on the top probability). When its first two categories
/// are within <see cref="TieMargin"/>, the one a strong catalogue match supports is taken instead. Similar cases do not break
/// ties: measured on the TipDM titles (5-fold, two fold assignments), their vote was never right more often than the model on
/// the very tickets it voted on, at any threshold, and at 0.3 the near ties it switched came out 14 newly right against 24 newly
/// wrong — the model already reads the nearest past tickets as one of its members.</item>
/// <item>A strong catalogue match in the title in another category, when no matter of the model's category matched in the
/// title, overrides a doubtful model (confidence below <see cref="CatalogueOverridesBelow"/> and the threshold) — the catalogue
/// names the matter — and otherwise holds the model's category back from automatic dispatch (two members disagree: a person
/// decides).</item>
/// <item>Only a matter named in the title weighs against the model (breaks a tie, overrides, holds). A long message mentions
/// many matters in passing; its title says what it is about. Measured with the TipDM category names as a stand-in catalogue on
/// the 5,209 full messages against the model's out-of-fold predictions: matches naming one category anywhere in the text were
/// right for 70 % of the 930 messages they occurred in, in the title (or, without one, in what the title would be) for 88 % of
/// 216; whole-text matches held back 204 tickets the model was sure of, 192 of them rightly routed (a higher threshold would
/// have been the better filter), against 19 (16) in the title. A matter named only in the content is still shown, and can
/// pick the department within the chosen category.</item>
/// <item>The department: a catalogue match within the chosen category picks it through its area rule (one the title names
/// strongly before the others); otherwise similar cases in that category that agree (two or more forming a majority,
/// or one near-duplicate) pick theirs; otherwise the category's usual department.</item>
/// <item>Automatic dispatch only when the confidence reaches the threshold, a department is known and nothing holds it back.
/// The catalogue and the cases refine where a ticket goes; they never make the engine surer than the model is.</item>
/// </list>
/// </summary>
public static class EnsembleRules
{
    /// <summary>The model's first two categories closer than this are a tie the other members may break.</summary>
    public const double TieMargin = 0.10;

    /// <summary>
    /// A strong catalogue match in another category replaces the model's category only below this confidence; from here up to
    /// the threshold the model's category stays, held for a dispatcher with the matter named. Measured with the TipDM
    /// taxonomy's category names as a stand-in catalogue (5-fold, the model's out-of-fold confidences): where such a match
    /// disagreed with a model at 0.8 or more but below the threshold, the model was right on 46 of 58 tickets and the catalogue
    /// on 7 (titles and full messages alike); below 0.8, on titles the catalogue was right more often (13 against 4 of 23).
    /// </summary>
    public const double CatalogueOverridesBelow = 0.8;

    /// <summary>One similar case this close is a near-duplicate: its department alone is evidence enough.</summary>
    public const double NearDuplicate = 0.8;

    public static EnsembleDecision Combine(EnsembleInput input)
    {
        var categories = input.Categories;
        CategoryInfo? Find(string label) => categories.FirstOrDefault(c => c.Name == label || c.Id == label);
        var probability = new Dictionary<string, double>();
        foreach (var score in input.Model.Ranked)
        {
            var key = Find(score.Label)?.Id ?? score.Label;
            probability[key] = probability.GetValueOrDefault(key) + score.Probability;
        }
        double P(string id) => probability.GetValueOrDefault(id);
        string NameOf(string id) => categories.FirstOrDefault(c => c.Id == id)?.Name ?? id;
        var threshold = input.Model.Threshold;
        var similar = input.Cases.Where(c => c.Similarity >= SimilarCaseFinder.SimilarThreshold).ToList();
        var notes = new List<string>();
        var holds = new List<string>();
        if (input.Model.NoKnownWords)
        {
            // Its "confidence" is then the commonest label's share of the history, which a lowered threshold could reach.
            holds.Add("文本中没有模型认识的字词");
        }

        var ranked = input.Model.Ranked.Select(s => Find(s.Label)?.Id ?? s.Label).Distinct().ToList();
        var chosen = ranked[0];
        // How sure the model is that a category is right: for its first choice the calibrated confidence, which also reads the
        // margin to the runner-up and how often it missed on similar texts; for any other category its probability (below a half).
        double Sure(string id) => id == ranked[0] ? input.Model.Confidence : P(id);

        // 1. A near tie in the model is broken by a strong catalogue match (the matter named in the title), not by similar cases.
        if (ranked.Count > 1 && P(ranked[0]) - P(ranked[1]) < TieMargin)
        {
            bool Named(string id) => input.Catalogue.Any(m => m.NamedInTitle && m.CategoryId == id);
            if (Named(ranked[1]) && !Named(ranked[0]))
            {
                chosen = ranked[1];
                notes.Add(Invariant($"文本模型的前两名「{NameOf(ranked[0])}」（{P(ranked[0]):0.00}）与「{NameOf(ranked[1])}」（{P(ranked[1]):0.00}）接近，派单目录支持后者"));
            }
        }

        // 2. A strong catalogue match elsewhere: follows it when the model is doubtful, otherwise holds the model's choice back.
        // Agreement is read in the title too: a title about night-time construction whose message also mentions the estate's
        // property manager is about the construction (measured, counting the content's matches as agreement changed no override
        // and spared 2 of 5,209 sure tickets a hold).
        var strongElsewhere = input.Catalogue.Where(m => m.NamedInTitle && m.CategoryId != chosen)
            .OrderByDescending(m => m.TitleScore).ThenByDescending(m => m.Score).FirstOrDefault();
        if (strongElsewhere is not null && !input.Catalogue.Any(m => m.TitleScore > 0 && m.CategoryId == chosen))
        {
            if (Sure(chosen) < Math.Min(CatalogueOverridesBelow, threshold))
            {
                notes.Add(Invariant($"文本模型把握不足（「{NameOf(chosen)}」{Sure(chosen):0.00}），按派单目录事项「{strongElsewhere.Name}」归入「{NameOf(strongElsewhere.CategoryId)}」"));
                chosen = strongElsewhere.CategoryId;
            }
            else
            {
                holds.Add($"派单目录事项「{strongElsewhere.Name}」属于「{NameOf(strongElsewhere.CategoryId)}」，与文本模型的判断不一致");
            }
        }
        var category = categories.FirstOrDefault(c => c.Id == chosen);
        // Rounded once, here: the verdict, the stored confidence and the reason must see the same number (a raw 0.97996 against
        // 0.98 would wait while showing 0.98, and the reason would name no cause).
        var confidence = Math.Round(Sure(chosen), 4);

        // 3. The department: catalogue rule, agreeing cases, or the category's usual department.
        var (department, departmentName, source) = PickDepartment(chosen, category, input.Catalogue, similar, holds);

        var would = input.AutoDispatch && confidence >= threshold && department is not null && holds.Count == 0;
        var members = new List<MemberOpinion>
        {
            new("model", "文本模型", input.Model.Finding, ranked[0], categories.FirstOrDefault(c => c.Id == ranked[0])?.DefaultDepartmentId, Math.Round(P(ranked[0]), 4)),
            CatalogueOpinion(input.Catalogue, NameOf),
            CaseOpinion(similar, input.Cases.Count, NameOf),
            new("triage", "紧急程度与类型", input.Triage.Explain() ?? "未发现紧急或诉求类型关键词。"),
        };
        var decision = new EnsembleDecision(category?.Name ?? chosen, category?.Id, department, departmentName, source, confidence,
            threshold, would, "", members, holds, notes, input.AutoDispatch);
        return decision with { Reason = Explain(decision) };
    }

    /// <summary>
    /// The decision when there is no text model to ask: a new installation before its history is imported, or an active model
    /// that cannot be read (<paramref name="noModel"/> says which). The catalogue and similar cases still say where such tickets
    /// go — what a dispatcher would look up by hand — so the ticket waits for one with that suggestion, never dispatched on its
    /// own: no confidence was measured (<c>Confidence</c> is null, the threshold +∞). The category: the best catalogue match, a
    /// matter the title names first (any match counts here, weak or content-only, since nothing contradicts it and a person
    /// confirms); without one, similar cases that agree (two or more forming a majority, or one near-duplicate). Null when
    /// neither says anything.
    /// </summary>
    public static EnsembleDecision? WithoutModel(IReadOnlyList<CatalogueSays> catalogue, IReadOnlyList<CaseSays> cases,
        IReadOnlyList<CategoryInfo> categories, TriageResult triage, string noModel, bool autoDispatch = true)
    {
        string NameOf(string id) => categories.FirstOrDefault(c => c.Id == id)?.Name ?? id;
        var similar = cases.Where(c => c.Similarity >= SimilarCaseFinder.SimilarThreshold).ToList();
        var matter = catalogue.OrderByDescending(m => m.NamedInTitle).ThenByDescending(m => m.TitleScore).ThenByDescending(m => m.Score)
            .FirstOrDefault(m => categories.Any(c => c.Id == m.CategoryId));
        var chosen = matter?.CategoryId ?? AgreeingCases(similar.Where(c => categories.Any(k => k.Id == c.CategoryId)), c => c.CategoryId!);
        if (chosen is null)
        {
            return null;
        }
        var category = categories.First(c => c.Id == chosen);
        var holds = new List<string>();
        var (department, departmentName, source) = PickDepartment(chosen, category, catalogue, similar, holds);
        var notes = new List<string>
        {
            matter is not null ? $"分类依据派单目录事项「{matter.Name}」" : "分类依据相似的已办结工单",
        };
        var members = new List<MemberOpinion>
        {
            new("model", "文本模型", noModel),
            CatalogueOpinion(catalogue, NameOf),
            CaseOpinion(similar, cases.Count, NameOf),
            new("triage", "紧急程度与类型", triage.Explain() ?? "未发现紧急或诉求类型关键词。"),
        };
        var decision = new EnsembleDecision(category.Name, category.Id, department, departmentName, source, Confidence: null,
            double.PositiveInfinity, WouldDispatch: false, "", members, holds, notes, autoDispatch);
        return decision with { Reason = Explain(decision) };
    }

    /// <summary>
    /// Where a ticket of <paramref name="categoryId"/> would go (a runner-up's department), as for a decision; none when a decision
    /// there would be held for a person (two matters matching equally with different units, or a switched-off usual department).
    /// </summary>
    public static (string? Id, string? Name) DepartmentWithin(string categoryId, IReadOnlyList<CategoryInfo> categories,
        IReadOnlyList<CatalogueSays> catalogue, IReadOnlyList<CaseSays> similar)
    {
        var holds = new List<string>();
        var (id, name, _) = PickDepartment(categoryId, categories.FirstOrDefault(c => c.Id == categoryId), catalogue, similar, holds);
        return holds.Count > 0 ? (null, null) : (id, name);
    }

    /// <summary>
    /// The department within the chosen category: the catalogue matter's area rule (one the title names strongly before the
    /// others; two equal matches with different units hold dispatch back), else similar cases in that category that agree,
    /// else the category's usual department. Returns the department, its name and which member chose it.
    /// </summary>
    private static (string? Id, string? Name, string Source) PickDepartment(string chosen, CategoryInfo? category,
        IReadOnlyList<CatalogueSays> catalogue, IReadOnlyList<CaseSays> similar, List<string> holds)
    {
        // The matter the title names, if any; otherwise the best match anywhere (a title's passing 物业 does not outrank a
        // matter the content names in full).
        var inCategory = catalogue.Where(m => m.CategoryId == chosen && m.Unit is not null)
            .OrderByDescending(m => m.NamedInTitle).ThenByDescending(m => m.Score).ThenByDescending(m => m.TitleScore).ToList();
        if (inCategory.Count > 0)
        {
            var best = inCategory[0];
            var rival = inCategory.Skip(1).FirstOrDefault(m => m.NamedInTitle == best.NamedInTitle && m.Score == best.Score
                && m.TitleScore == best.TitleScore && m.Unit!.DepartmentId != best.Unit!.DepartmentId);
            if (rival is not null)
            {
                holds.Add($"派单目录事项「{best.Name}」与「{rival.Name}」同样匹配，承办单位不同");
            }
            return (best.Unit!.DepartmentId.Value, best.Unit.DepartmentName, "catalogue");
        }
        var usable = similar.Where(c => c.CategoryId == chosen && c.DepartmentId is not null && !c.AreaMismatch && !c.DepartmentInactive).ToList();
        if (AgreeingCases(usable, c => c.DepartmentId!) is { } agreed)
        {
            return (agreed, usable.First(c => c.DepartmentId == agreed).DepartmentName, "cases");
        }
        if (category?.SwitchedOffDepartment is { } off)
        {
            holds.Add($"分类「{category.Name}」的常规承办单位「{off}」已停用");
        }
        return (category?.DefaultDepartmentId, category?.DefaultDepartmentName, "category");
    }

    /// <summary>What similar cases agree on: the key of two or more forming a majority, else that of one near-duplicate.</summary>
    private static string? AgreeingCases(IEnumerable<CaseSays> cases, Func<CaseSays, string> key)
    {
        var list = cases.ToList();
        if (list.Count == 0)
        {
            return null;
        }
        var top = list.GroupBy(key).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(c => c.Similarity)).First();
        if (top.Count() >= 2 && top.Count() * 2 > list.Count)
        {
            return top.Key;
        }
        var nearest = list.OrderByDescending(c => c.Similarity).First();
        return nearest.Similarity >= NearDuplicate ? key(nearest) : null;
    }

    /// <summary>Holds a decision back for a person for a reason the rules above do not see (the agent chose another category).</summary>
    public static EnsembleDecision HeldBack(EnsembleDecision decision, string hold)
    {
        var held = decision with { Holds = [.. decision.Holds, hold], WouldDispatch = false };
        return held with { Reason = Explain(held) };
    }

    /// <summary>
    /// Adds what optional advisors (an LLM, see <see cref="IRoutingAdvisor"/>) said. They never change the destination or the
    /// confidence; an advisor that names another category or department holds automatic dispatch back, so a person decides.
    /// </summary>
    public static EnsembleDecision WithAdvisors(EnsembleDecision decision, IReadOnlyList<(string Name, AdvisorOpinion Opinion)> advisors)
    {
        if (advisors.Count == 0)
        {
            return decision;
        }
        var members = decision.Members.ToList();
        var holds = decision.Holds.ToList();
        foreach (var (name, opinion) in advisors)
        {
            members.Add(new MemberOpinion(name, name, opinion.Said, opinion.CategoryId, opinion.DepartmentId, opinion.Confidence));
            if ((opinion.CategoryId is { } c && c != decision.CategoryId) || (opinion.DepartmentId is { } d && d != decision.DepartmentId))
            {
                holds.Add($"「{name}」的意见与组合结论不一致");
            }
        }
        var changed = decision with { Members = members, Holds = holds, WouldDispatch = decision.WouldDispatch && holds.Count == 0 };
        return changed with { Reason = Explain(changed) };
    }

    private static MemberOpinion CatalogueOpinion(IReadOnlyList<CatalogueSays> matches, Func<string, string> nameOf)
    {
        if (matches.Count == 0)
        {
            return new MemberOpinion("catalogue", "派单目录", "没有匹配的事项。");
        }
        var best = matches[0];
        var strength = best.Strong ? "强" : "弱";
        var where = best.NamedInTitle ? "标题中强匹配"
            : best.TitleScore > 0 ? $"标题中弱匹配，全文{strength}匹配"
            : $"仅见于正文（{strength}匹配），不据以改变分类";
        var said = $"匹配事项「{best.Name}」（{string.Concat(best.Terms.Select(t => $"「{t}」"))}，{where}，属「{nameOf(best.CategoryId)}」）"
            + (best.Unit is { } unit ? $"：{unit.How}" : "：其承办单位已停用")
            + (matches.Count > 1 ? $"；另匹配{string.Join("、", matches.Skip(1).Take(3).Select(m => $"「{m.Name}」" + (m.TitleScore > 0 ? "" : "（仅见于正文）")))}" : "")
            + "。";
        return new MemberOpinion("catalogue", "派单目录", said, best.CategoryId, best.Unit?.DepartmentId.Value, best.Score);
    }

    private static MemberOpinion CaseOpinion(List<CaseSays> similar, int candidates, Func<string, string> nameOf)
    {
        if (similar.Count == 0)
        {
            return new MemberOpinion("cases", "相似案例", candidates == 0
                ? "没有相近的已办结工单。"
                : Invariant($"有 {candidates} 件相关的已办结工单，但相似度都低于 {SimilarCaseFinder.SimilarThreshold:0.00}，不作为依据。"));
        }
        var groups = similar.GroupBy(c => (c.CategoryId, c.DepartmentId, c.DepartmentName))
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Max(c => c.Similarity)).ToList();
        var top = groups[0].Key;
        var said = Invariant($"{similar.Count} 件相似的已办结工单（最高相似度 {similar.Max(c => c.Similarity):0.00}）：")
            + string.Join("，", groups.Take(3).Select(g =>
                $"{g.Count()} 件属「{(g.Key.CategoryId is { } c ? nameOf(c) : "未分类")}」、由「{g.Key.DepartmentName ?? g.Key.DepartmentId ?? "（直接办结）"}」办理"
                + (g.Any(c => c.AreaMismatch) ? "（属地单位，与本工单属地不同或属地未知，不沿用）" : "")
                + (g.Any(c => c.DepartmentInactive) ? "（该单位已停用，不沿用）" : "")))
            + "。";
        return new MemberOpinion("cases", "相似案例", said, top.CategoryId, top.DepartmentId, Math.Round(similar.Max(c => c.Similarity), 3));
    }

    private static string Explain(EnsembleDecision d)
    {
        var where = d.DepartmentName ?? d.DepartmentId ?? "（无默认承办单位）";
        var how = d.DepartmentSource switch
        {
            "catalogue" => "承办单位按派单目录属地规则确定",
            "cases" => "承办单位沿用相似案例",
            _ => "承办单位为该分类的常规承办单位",
        };
        var sure = d.Confidence is { } c ? Invariant($"，置信度 {c:0.00}") : "";
        var head = d.WouldDispatch
            ? Invariant($"派往「{where}」（分类「{d.Label}」{sure}，达到自动派单阈值 {d.Threshold:0.00}；{how}），可自动派单。")
            : Invariant($"建议派往「{where}」（分类「{d.Label}」{sure}；{how}）；")
              + (d.Holds.Count > 0 ? string.Join("；", d.Holds) + "，"
                  : d.Confidence is null ? "没有可用的文本模型，不自动派单，"
                  : !double.IsFinite(d.Threshold) ? "该模型在训练数据上达不到自动派单所需的准确率，"
                  : d.Confidence < d.Threshold ? Invariant($"低于自动派单阈值 {d.Threshold:0.00}，")
                  : !d.AutoDispatch ? Invariant($"达到自动派单阈值 {d.Threshold:0.00}，但本中心未开启自动派单，") : "")
              + "请人工确认。";
        var body = string.Concat(d.Members.Select(m => $"{m.Label}：{m.Said}"));
        return d.Notes.Count > 0 ? $"{head}{string.Join("；", d.Notes)}。{body}" : $"{head}{body}";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
