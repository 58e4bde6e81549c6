using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Staff;

public sealed record StaffRequest(string? UserName, string? DisplayName, string? Role, string? DepartmentId, string? Password);

/// <summary>A staff account. <c>LockedOutUntil</c>: when a lockout after repeated wrong passwords ends (null when not locked).</summary>
public sealed record StaffView(string Id, string UserName, string DisplayName, string Role, string? DepartmentId, bool LockedOut,
    DateTimeOffset? LockedOutUntil = null);

/// <summary>Staff accounts, kept by admins. A department handler must be bound to an existing department.</summary>
public static class StaffAdminEndpoints
{
    public static RouteGroupBuilder MapStaffAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/staff", ListAsync).WithSummary("工作人员账号");
        admin.MapPost("/staff", CreateAsync).WithSummary("新增工作人员账号");
        admin.MapPost("/staff/{id}/unlock", UnlockAsync).WithSummary("解除账号锁定（密码连续输错后）");
        return admin;
    }

    private static async Task<Ok<StaffView[]>> ListAsync(UserManager<StaffUser> users, CancellationToken ct)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var views = new List<StaffView>();
        foreach (var user in all)
        {
            var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
            // Identity decides lockouts on the system clock, not on IClock: ask it, so the list says what sign-in will do.
            var locked = await users.IsLockedOutAsync(user);
            views.Add(new StaffView(user.Id, user.UserName ?? "", user.DisplayName, role, user.DepartmentId, locked,
                locked ? user.LockoutEnd : null));
        }
        return TypedResults.Ok(views.ToArray());
    }

    /// <summary>Ends a lockout at once (the person called the admin instead of waiting) and forgets the wrong attempts.</summary>
    private static async Task<Results<Ok<StaffView>, ProblemHttpResult>> UnlockAsync(string id, UserManager<StaffUser> users)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new Routing.NotFound("没有这个工作人员账号。").ToProblem();
        }
        var ended = await users.SetLockoutEndDateAsync(user, null);
        var reset = await users.ResetAccessFailedCountAsync(user);
        if (!ended.Succeeded || !reset.Succeeded)
        {
            throw new InvalidOperationException($"Unlocking {user.UserName} failed: {string.Join("; ", ended.Errors.Concat(reset.Errors).Select(e => e.Description))}");
        }
        var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        return TypedResults.Ok(new StaffView(user.Id, user.UserName ?? "", user.DisplayName, role, user.DepartmentId, false));
    }

    private static async Task<Results<Created<StaffView>, ProblemHttpResult>> CreateAsync(
        StaffRequest request, UserManager<StaffUser> users, RoutingDbContext routing, CancellationToken ct)
    {
        var input = new Input();
        var userName = input.Required(request.UserName, "userName", "用户名", 64);
        var displayName = input.Required(request.DisplayName, "displayName", "姓名", 100);
        if (!StaffRoles.TryParse(request.Role, out var role))
        {
            input.Add("role", "角色应为 agent、dispatcher、department、supervisor 或 admin。");
        }
        var department = request.DepartmentId is { Length: > 0 } d ? d : null;
        if (role == StaffRole.Department && department is null)
        {
            input.Add("departmentId", "承办单位人员必须绑定一个承办单位。");
        }
        if (department is not null && !await routing.Departments.AnyAsync(x => x.Id == new DepartmentId(department), ct))
        {
            input.Add("departmentId", $"承办单位「{department}」不存在。");
        }
        if (role != StaffRole.Department && department is not null)
        {
            input.Add("departmentId", "只有承办单位人员需要绑定承办单位。");
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            input.Add("password", "请设置初始密码。");
        }
        if (userName.Length > 0 && await users.FindByNameAsync(userName) is not null)
        {
            input.Add("userName", $"用户名「{userName}」已被使用。");
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var user = new StaffUser { UserName = userName, DisplayName = displayName, DepartmentId = department };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return new ValidationFailed(new Dictionary<string, string[]>
            {
                ["password"] = [.. created.Errors.Select(e => PasswordMessage(e.Code) ?? e.Description)],
            }).ToProblem();
        }
        await users.AddToRoleAsync(user, StaffRoles.NameOf(role));
        return TypedResults.Created($"/api/admin/staff/{user.Id}",
            new StaffView(user.Id, userName, displayName, StaffRoles.NameOf(role), department, false));
    }

    private static string? PasswordMessage(string code) => code switch
    {
        "PasswordTooShort" => "密码至少 8 位。",
        "PasswordRequiresDigit" => "密码须包含数字。",
        "PasswordRequiresLower" => "密码须包含小写字母。",
        "PasswordRequiresUpper" => "密码须包含大写字母。",
        "PasswordRequiresNonAlphanumeric" => "密码须包含符号（如 - 或 !）。",
        "DuplicateUserName" => "用户名已被使用。",
        _ => null,
    };
}
