using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Hotline.Knowledge.Search;
using Hotline.Routing.Departments;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Hotline.Routing.Catalogue;

/// <summary>A catalogue entry as written by an admin (JSON body, or one line of a JSONL import).</summary>
public sealed record CatalogueRequest(string? Name, string? CategoryId, string[]? Keywords, string? Level, string? DepartmentId,
    string? UnitKind, string? AreaId, string? Remit, bool? Active, int? Version);

public sealed record DepartmentRemitView(string Id, string Name, string Kind, string? Remit);

/// <summary>The unit an entry resolves to for one area, with the responsible unit's remit and the rule's sentence.</summary>
public sealed record ResolvedUnitView(string DepartmentId, string DepartmentName, string? Remit, string How, bool Fallback);

public sealed record CatalogueEntryView(Guid Id, string Name, string CategoryId, string? CategoryName, IReadOnlyList<string> Keywords,
    string Level, string LevelLabel, DepartmentRemitView? Department, string? UnitKind, string? UnitKindLabel, string? AreaId,
    string? AreaName, string? Remit, bool Active, int Version, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    /// <summary>Where a ticket in the requested area would go (only when <c>areaId</c> was given).</summary>
    public ResolvedUnitView? Resolved { get; init; }

    /// <summary>Highlighted fragments when found by a search (<c>q</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Highlights { get; init; }
}

public sealed record CatalogueImportResult(int Created, int Updated);

/// <summary>
/// The dispatch catalogue's API: every staff member reads it (with the departments' remits, and where a matter in a given area
/// would go); admins create, edit, deactivate, delete, import and export it. Bad input is a Chinese problem and writes nothing.
/// </summary>
public static class CatalogueEndpoints
{
    public const long MaxImportBytes = 8L * 1024 * 1024;

    public static RouteGroupBuilder MapCatalogueReading(this RouteGroupBuilder api)
    {
        api.MapGet("/catalogue", ReadAsync).WithSummary("派单目录（事项、属地规则、承办单位职责；q 检索，areaId 查看属地承办单位）");
        return api;
    }

    public static RouteGroupBuilder MapCatalogueAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/catalogue", ListAllAsync).WithSummary("派单目录（含停用事项）");
        admin.MapPost("/catalogue", CreateAsync).WithSummary("新增派单目录事项");
        admin.MapPut("/catalogue/{id:guid}", UpdateAsync).WithSummary("修改派单目录事项（须带所读版本）");
        admin.MapDelete("/catalogue/{id:guid}", DeleteAsync).WithSummary("删除派单目录事项（停用请用修改）");
        admin.MapGet("/catalogue/export", ExportAsync).WithSummary("导出派单目录（JSONL）");
        admin.MapPost("/catalogue/import", ImportAsync).WithSummary("导入派单目录（JSONL，按事项名称新增或更新，有错则整体不导入）")
            .WithMetadata(new Hotline.Knowledge.RequestBodyLimit(MaxImportBytes));
        return admin;
    }

    private static async Task<Results<Ok<CatalogueEntryView[]>, ProblemHttpResult>> ReadAsync(
        string? q, string? categoryId, string? areaId, RoutingDbContext db, ISearchIndex index, ILoggerFactory logs, CancellationToken ct)
    {
        var input = new Input();
        var query = input.Optional(q, "q", "检索词", 2_000);
        await input.CheckCategoryAndAreaAsync(db, categoryId, areaId, ct);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var reference = await Reference.LoadAsync(db, ct);
        var entries = await db.Catalogue.AsNoTracking().Where(e => e.Active).ToListAsync(ct);
        if (categoryId is { Length: > 0 })
        {
            entries = [.. entries.Where(e => e.CategoryId == categoryId)];
        }
        IReadOnlyDictionary<Guid, SearchHit>? hits = null;
        if (query is not null)
        {
            try
            {
                var found = await index.SearchAsync(new SearchRequest(query) { Filter = CatalogueSearch.Filter(activeOnly: true), Size = 20 }, ct);
                hits = found.Where(h => h.Metadata.TryGetValue("entryId", out var id) && Guid.TryParse(id, out _))
                    .GroupBy(h => Guid.Parse(h.Metadata["entryId"])).ToDictionary(g => g.Key, g => g.First());
                var rank = hits.Keys.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
                entries = [.. entries.Where(e => rank.ContainsKey(e.Id)).OrderBy(e => rank[e.Id])];
            }
            catch (Exception e) when (SearchFailure.IsOutage(e))
            {
                // The index is down (an Elasticsearch outage, or a cluster refusing the search): the matters whose names or
                // keywords the words contain, as the routing engine matches them, then those whose names or keywords contain
                // what was typed (a fragment such as 单车), rather than no catalogue at all for a dispatcher on the phone.
                logs.CreateLogger(typeof(CatalogueEndpoints)).LogWarning("Catalogue search without the index: {Reason}", e.Message);
                var folded = MatterMatcher.Fold(query);
                var named = MatterMatcher.Match(query, entries).Select(m => m.Entry).ToList();
                var containing = entries.Where(e => folded.Length > 0
                    && e.Keywords.Prepend(e.Name).Any(t => MatterMatcher.Fold(t).Contains(folded, StringComparison.Ordinal)));
                entries = [.. named.Concat(containing).Distinct().Take(20)];
            }
        }
        else
        {
            entries = [.. entries.OrderBy(e => e.CategoryId, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)];
        }
        var place = areaId is { Length: > 0 } ? AreaRules.Locate(reference.Areas, areaId) : null;
        return TypedResults.Ok(entries.Select(e => View(e, reference) with
        {
            Resolved = place is null ? null : Resolve(e, place, reference),
            Highlights = hits?.GetValueOrDefault(e.Id)?.Highlights,
        }).ToArray());
    }

    private static async Task<Ok<CatalogueEntryView[]>> ListAllAsync(RoutingDbContext db, CancellationToken ct)
    {
        var reference = await Reference.LoadAsync(db, ct);
        var entries = await db.Catalogue.AsNoTracking().ToListAsync(ct);
        return TypedResults.Ok(entries.OrderBy(e => e.CategoryId, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => View(e, reference)).ToArray());
    }

    private static async Task<Results<Created<CatalogueEntryView>, ProblemHttpResult>> CreateAsync(
        CatalogueRequest request, ClaimsPrincipal user, RoutingDbContext db, CatalogueIndexer indexer, IClock clock, CancellationToken ct)
    {
        var reference = await Reference.LoadAsync(db, ct);
        var entry = new CatalogueEntry();
        var input = new Input();
        Apply(entry, request, input, reference, await db.Catalogue.AsNoTracking().Select(e => new { e.Id, e.Name }).ToDictionaryAsync(e => e.Name, e => e.Id, ct));
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        Stamp(entry, user, clock);
        entry.Version = 1;
        db.Catalogue.Add(entry);
        if (await SaveAsync(db, entry.Name, ct) is { } conflict)
        {
            return conflict.ToProblem();
        }
        await indexer.IndexAsync(db, [entry], ct);
        return TypedResults.Created($"/api/admin/catalogue/{entry.Id}", View(entry, reference));
    }

    private static async Task<Results<Ok<CatalogueEntryView>, ProblemHttpResult>> UpdateAsync(
        Guid id, CatalogueRequest request, ClaimsPrincipal user, RoutingDbContext db, CatalogueIndexer indexer, IClock clock, CancellationToken ct)
    {
        var entry = await db.Catalogue.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null)
        {
            return new NotFound("派单目录中没有这个事项。").ToProblem();
        }
        if (request.Version is null || request.Version != entry.Version)
        {
            return new EditConflict($"该事项当前为第 {entry.Version} 版，请刷新后再修改（修改时须带上所读的版本号 version）。").ToProblem();
        }
        var reference = await Reference.LoadAsync(db, ct);
        var input = new Input();
        Apply(entry, request, input, reference, await db.Catalogue.AsNoTracking().Select(e => new { e.Id, e.Name }).ToDictionaryAsync(e => e.Name, e => e.Id, ct));
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        entry.Version++;
        Stamp(entry, user, clock);
        if (await SaveAsync(db, entry.Name, ct) is { } conflict)
        {
            return conflict.ToProblem();
        }
        await indexer.IndexAsync(db, [entry], ct);
        return TypedResults.Ok(View(entry, reference));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, RoutingDbContext db, CatalogueIndexer indexer, CancellationToken ct)
    {
        var entry = await db.Catalogue.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null)
        {
            return new NotFound("派单目录中没有这个事项。").ToProblem();
        }
        db.Catalogue.Remove(entry);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another admin deleted or edited the entry between this read and this delete (the delete carries the version read).
            db.ChangeTracker.Clear();
            return await db.Catalogue.AnyAsync(e => e.Id == id, ct)
                ? new EditConflict($"事项「{entry.Name}」刚被他人修改，请刷新后再决定是否删除。").ToProblem()
                : new NotFound("派单目录中没有这个事项（刚被他人删除）。").ToProblem();
        }
        await indexer.RemoveAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ExportAsync(RoutingDbContext db, CancellationToken ct)
    {
        var entries = await db.Catalogue.AsNoTracking().ToListAsync(ct);
        var text = new StringBuilder();
        foreach (var e in entries.OrderBy(e => e.CategoryId, StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal))
        {
            text.Append(JsonSerializer.Serialize(new CatalogueRequest(e.Name, e.CategoryId, [.. e.Keywords], e.Level.ToString(), e.DepartmentId.Value,
                e.UnitKind?.ToString(), e.AreaId, e.Remit, e.Active, Version: null), LineJson)).Append('\n');
        }
        return TypedResults.Text(text.ToString(), "application/x-ndjson", Encoding.UTF8);
    }

    /// <summary>One entry per line, matched to existing entries by name: new names are created, known ones updated. All or nothing.</summary>
    private static async Task<Results<Ok<CatalogueImportResult>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal user, RoutingDbContext db, CatalogueIndexer indexer, IClock clock, CancellationToken ct)
    {
        var reference = await Reference.LoadAsync(db, ct);
        var existing = await db.Catalogue.ToListAsync(ct);
        var names = existing.ToDictionary(e => e.Name, e => e.Id);
        var errors = new List<string>();
        var seen = new Dictionary<string, int>();
        var changed = new List<CatalogueEntry>();
        var created = 0;
        using var reader = new StreamReader(request.Body);
        var number = 0;
        while (await reader.ReadLineAsync(ct) is { } line && errors.Count < 20)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            CatalogueRequest? item;
            try
            {
                item = JsonSerializer.Deserialize<CatalogueRequest>(line, LineJson);
            }
            catch (JsonException)
            {
                errors.Add($"第 {number} 行不是有效的派单目录 JSON（应为一个对象，keywords 为字符串数组）。");
                continue;
            }
            if (item is null)
            {
                errors.Add($"第 {number} 行为空对象。");
                continue;
            }
            var name = item.Name?.Trim() ?? "";
            if (name.Length > 0 && seen.TryGetValue(name, out var first))
            {
                errors.Add($"第 {number} 行：事项「{name}」与第 {first} 行重复。");
                continue;
            }
            seen[name] = number;
            var entry = existing.FirstOrDefault(e => e.Name == name);
            var isNew = entry is null;
            entry ??= new CatalogueEntry();
            var input = new Input();
            Apply(entry, item with { Active = item.Active ?? (isNew ? true : entry.Active) }, input, reference, names);
            if (!input.Ok)
            {
                errors.AddRange(input.Failure.Errors.SelectMany(f => f.Value).Select(m => $"第 {number} 行：{m}"));
                continue;
            }
            if (isNew)
            {
                entry.Version = 1;
                db.Catalogue.Add(entry);
                created++;
            }
            else
            {
                entry.Version++;
            }
            Stamp(entry, user, clock);
            changed.Add(entry);
        }
        if (errors.Count > 0)
        {
            // All or nothing: half a catalogue routes some matters by the old rules and some by the new.
            return new ValidationFailed(new Dictionary<string, string[]> { ["lines"] = [.. errors] }).ToProblem();
        }
        if (await SaveAsync(db, null, ct) is { } conflict)
        {
            return conflict.ToProblem();
        }
        await indexer.IndexAsync(db, changed, ct);
        return TypedResults.Ok(new CatalogueImportResult(created, changed.Count - created));
    }

    private static async Task<HotlineError?> SaveAsync(RoutingDbContext db, string? name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException)
        {
            // Another admin saved the same entry, or an entry with the same name, at the same moment.
            db.ChangeTracker.Clear();
            return new EditConflict(name is null ? "派单目录刚被他人修改，请刷新后重新导入。" : $"事项「{name}」刚被他人修改或新增，请刷新后再试。");
        }
    }

    private static void Stamp(CatalogueEntry entry, ClaimsPrincipal user, IClock clock)
    {
        entry.UpdatedAt = clock.GetCurrentInstant();
        entry.UpdatedBy = StaffPrincipal.ToActor(user).Name;
    }

    /// <summary>Validates <paramref name="request"/> against the reference data and applies it; errors go to <paramref name="input"/>.</summary>
    internal static void Apply(CatalogueEntry entry, CatalogueRequest request, Input input, Reference reference, IReadOnlyDictionary<string, Guid> names)
    {
        var name = input.Required(request.Name, "name", "事项名称", 100);
        if (name.Length > 0 && names.TryGetValue(name, out var other) && other != entry.Id)
        {
            input.Add("name", $"派单目录中已有事项「{name}」，请修改该事项或换一个名称。");
        }
        var categoryId = input.Required(request.CategoryId, "categoryId", "诉求分类", 64);
        if (categoryId.Length > 0 && !reference.Categories.ContainsKey(categoryId))
        {
            input.Add("categoryId", $"分类「{categoryId}」不存在。可选：{string.Join("、", reference.Categories.Keys)}。");
        }
        var keywords = new List<string>();
        if (request.Keywords is not { Length: > 0 } given)
        {
            input.Add("keywords", "请至少填写一个关键词（市民描述该事项时常用的词，如「占道」「摆摊」）。");
        }
        else
        {
            foreach (var raw in given)
            {
                var word = raw?.Trim() ?? "";
                if (word.Length == 0)
                {
                    input.Add("keywords", "关键词不能为空白。");
                }
                else if (word.Length < 2)
                {
                    input.Add("keywords", $"关键词「{word}」太短：至少 2 个字，否则会误匹配大量工单。");
                }
                else if (word.Length > 20)
                {
                    input.Add("keywords", $"关键词「{word}」超过 20 个字，请拆成几个短词。");
                }
                else if (!keywords.Contains(word, StringComparer.Ordinal))
                {
                    keywords.Add(word);
                }
            }
            if (keywords.Count > 50)
            {
                input.Add("keywords", "关键词不能超过 50 个。");
            }
        }
        var level = AreaLevel.City;
        if (!TryParseLevel(request.Level, out level))
        {
            input.Add("level", "请选择属地层级：City（市级）、District（区级）或 Street（街道级）。");
        }
        DepartmentKind? unitKind = null;
        if (request.UnitKind is { Length: > 0 } kindText)
        {
            if (!Enum.TryParse<DepartmentKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || kind == DepartmentKind.Centre)
            {
                input.Add("unitKind", "属地单位类型应为 StreetOffice（街道办事处）、DistrictGovernment（区人民政府）、Functional（职能部门）或 Enterprise（公共服务企业）。");
            }
            else if (level == AreaLevel.City)
            {
                input.Add("unitKind", "市级事项直接派给承办单位，不需要属地单位类型。");
            }
            else
            {
                unitKind = kind;
            }
        }
        var departmentId = input.Required(request.DepartmentId, "departmentId", level == AreaLevel.City ? "承办单位" : "兜底承办单位（市级）", 64);
        if (departmentId.Length > 0 && (!reference.Departments.TryGetValue(new DepartmentId(departmentId), out var department) || !department.Active))
        {
            input.Add("departmentId", $"承办单位「{departmentId}」不存在或已停用。");
        }
        var areaId = input.Optional(request.AreaId, "areaId", "适用区域", 64);
        if (areaId is not null && reference.Areas.All(a => a.Id != areaId))
        {
            input.Add("areaId", $"区域「{areaId}」不存在。");
        }
        var remit = input.Optional(request.Remit, "remit", "职责说明", 2_000);
        if (!input.Ok)
        {
            return;
        }
        entry.Name = name;
        entry.CategoryId = categoryId;
        entry.Keywords = keywords;
        entry.Level = level;
        entry.UnitKind = unitKind;
        entry.DepartmentId = new DepartmentId(departmentId);
        entry.AreaId = areaId;
        entry.Remit = remit;
        entry.Active = request.Active ?? entry.Active;
    }

    private static bool TryParseLevel(string? text, out AreaLevel level)
    {
        foreach (var candidate in Enum.GetValues<AreaLevel>())
        {
            if (string.Equals(text?.Trim(), candidate.ToString(), StringComparison.OrdinalIgnoreCase) || text?.Trim() == CatalogueLabels.Of(candidate))
            {
                level = candidate;
                return true;
            }
        }
        level = AreaLevel.City;
        return false;
    }

    internal static CatalogueEntryView View(CatalogueEntry e, Reference reference)
    {
        var department = reference.Departments.GetValueOrDefault(e.DepartmentId);
        return new CatalogueEntryView(e.Id, e.Name, e.CategoryId, reference.Categories.GetValueOrDefault(e.CategoryId)?.Name, e.Keywords,
            e.Level.ToString(), CatalogueLabels.Of(e.Level),
            department is null ? null : new DepartmentRemitView(department.Id.Value, department.Name, department.Kind.ToString(), department.Remit),
            e.Level == AreaLevel.City ? null : e.EffectiveUnitKind.ToString(),
            e.Level == AreaLevel.City ? null : CatalogueLabels.Of(e.EffectiveUnitKind),
            e.AreaId, e.AreaId is { } a ? reference.Areas.FirstOrDefault(x => x.Id == a)?.Name : null,
            e.Remit, e.Active, e.Version, e.UpdatedAt.ToDateTimeOffset(), e.UpdatedBy);
    }

    internal static ResolvedUnitView? Resolve(CatalogueEntry e, AreaPlace place, Reference reference) =>
        AreaRules.Resolve(e, place, reference.DepartmentList) is { } unit
            ? new ResolvedUnitView(unit.DepartmentId.Value, unit.DepartmentName, reference.Departments.GetValueOrDefault(unit.DepartmentId)?.Remit,
                unit.How, unit.Fallback)
            : null;

    private static readonly JsonSerializerOptions LineJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>The reference data catalogue rules are checked and resolved against: categories, departments, areas.</summary>
internal sealed record Reference(IReadOnlyDictionary<string, Category> Categories, IReadOnlyDictionary<DepartmentId, Department> Departments,
    IReadOnlyList<Area> Areas)
{
    public IReadOnlyCollection<Department> DepartmentList => [.. Departments.Values];

    public static async Task<Reference> LoadAsync(RoutingDbContext db, CancellationToken ct) => new(
        await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Id, ct),
        await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, ct),
        await db.Areas.AsNoTracking().ToListAsync(ct));
}
