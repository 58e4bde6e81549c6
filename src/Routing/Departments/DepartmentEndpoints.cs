using System.Net.Mail;
using System.Text.RegularExpressions;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Routing.Departments;

public sealed record DepartmentView(string Id, string Name, string Kind, string? ParentId, string? AreaId, string? Email, string? Remit, bool Active);

public sealed record DepartmentRequest(string? Id, string? Name, string? Kind, string? ParentId, string? AreaId, string? Email,
    string? Remit, bool? Active);

public sealed record AreaView(string Id, string Name, string Level, string? ParentId);

public sealed record CategoryView(string Id, string Name, string? DefaultDepartmentId);

/// <summary>Departments and their hierarchy (admins write; all staff read), areas and categories.</summary>
public static partial class DepartmentEndpoints
{
    public static RouteGroupBuilder MapDepartmentReading(this RouteGroupBuilder group)
    {
        group.MapGet("/departments", ListAsync).WithSummary("承办单位列表");
        group.MapGet("/areas", AreasAsync).WithSummary("区域（市→区→街道）");
        group.MapGet("/categories", CategoriesAsync).WithSummary("诉求分类");
        return group;
    }

    public static RouteGroupBuilder MapDepartmentAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/departments", CreateAsync).WithSummary("新增承办单位");
        admin.MapPut("/departments/{id}", UpdateAsync).WithSummary("修改承办单位（停用而不删除）");
        return admin;
    }

    private static async Task<Ok<DepartmentView[]>> ListAsync(RoutingDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Departments.AsNoTracking().OrderBy(d => d.Id).ToListAsync(ct)).Select(ToView).ToArray());

    private static async Task<Ok<AreaView[]>> AreasAsync(RoutingDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Areas.AsNoTracking().OrderBy(a => a.Id).ToListAsync(ct))
            .Select(a => new AreaView(a.Id, a.Name, a.Level.ToString(), a.ParentId)).ToArray());

    private static async Task<Ok<CategoryView[]>> CategoriesAsync(RoutingDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Categories.AsNoTracking().OrderBy(c => c.Id).ToListAsync(ct))
            .Select(c => new CategoryView(c.Id, c.Name, c.DefaultDepartmentId?.Value)).ToArray());

    private static async Task<Results<Created<DepartmentView>, ProblemHttpResult>> CreateAsync(
        DepartmentRequest request, RoutingDbContext db, CancellationToken ct)
    {
        var input = new Input();
        var id = input.Required(request.Id, "id", "单位编码", 64);
        if (id.Length > 0 && !CodePattern().IsMatch(id))
        {
            input.Add("id", "单位编码只能包含小写字母、数字和连字符，例如 city-housing。");
        }
        if (id.Length > 0 && await db.Departments.AnyAsync(d => d.Id == new DepartmentId(id), ct))
        {
            input.Add("id", $"单位编码「{id}」已存在。");
        }
        var department = new Department { Id = new DepartmentId(id) };
        await ApplyAsync(department, request, input, db, ct);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        db.Departments.Add(department);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/departments/{id}", ToView(department));
    }

    private static async Task<Results<Ok<DepartmentView>, ProblemHttpResult>> UpdateAsync(
        string id, DepartmentRequest request, RoutingDbContext db, CancellationToken ct)
    {
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == new DepartmentId(id), ct);
        if (department is null)
        {
            return new NotFound($"承办单位「{id}」不存在。").ToProblem();
        }
        var input = new Input();
        await ApplyAsync(department, request, input, db, ct);
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToView(department));
    }

    private static async Task ApplyAsync(Department department, DepartmentRequest request, Input input, RoutingDbContext db, CancellationToken ct)
    {
        department.Name = input.Required(request.Name, "name", "单位名称", 100);
        if (!Enum.TryParse<DepartmentKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            input.Add("kind", $"请选择单位类型：{string.Join("、", Enum.GetNames<DepartmentKind>())}。");
        }
        department.Kind = kind;
        department.Remit = input.Optional(request.Remit, "remit", "职责说明", 4_000);
        department.Email = input.Optional(request.Email, "email", "电子邮箱", 200);
        if (department.Email is { } email && !MailAddress.TryCreate(email, out _))
        {
            input.Add("email", $"「{email}」不是有效的电子邮箱地址。");
        }
        department.AreaId = input.Optional(request.AreaId, "areaId", "所属区域", 64);
        if (department.AreaId is { } area && !await db.Areas.AnyAsync(a => a.Id == area, ct))
        {
            input.Add("areaId", $"区域「{area}」不存在。");
        }
        var parent = input.Optional(request.ParentId, "parentId", "上级单位", 64);
        if (parent is not null)
        {
            if (parent == department.Id.Value)
            {
                input.Add("parentId", "上级单位不能是自己。");
            }
            else if (!await db.Departments.AnyAsync(d => d.Id == new DepartmentId(parent), ct))
            {
                input.Add("parentId", $"上级单位「{parent}」不存在。");
            }
            else if (await IsDescendantAsync(db, new DepartmentId(parent), department.Id, ct))
            {
                input.Add("parentId", "上级单位不能是本单位的下级，否则层级会形成循环。");
            }
        }
        department.ParentId = parent is null ? null : new DepartmentId(parent);
        department.Active = request.Active ?? department.Active;
    }

    private static async Task<bool> IsDescendantAsync(RoutingDbContext db, DepartmentId candidate, DepartmentId ancestor, CancellationToken ct)
    {
        var parents = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.ParentId, ct);
        var seen = new HashSet<DepartmentId>();
        for (DepartmentId? current = candidate; current is { } c && seen.Add(c); current = parents.GetValueOrDefault(c))
        {
            if (c == ancestor)
            {
                return true;
            }
        }
        return false;
    }

    private static DepartmentView ToView(Department d) =>
        new(d.Id.Value, d.Name, d.Kind.ToString(), d.ParentId?.Value, d.AreaId, d.Email, d.Remit, d.Active);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex CodePattern();
}
