using System.Security.Claims;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Staff;

public sealed record StaffRequest(string? UserName, string? DisplayName, string? Role, string? DepartmentId, string? Password);

public sealed record PasswordResetRequest(string? Password);

/// <summary>
/// A staff account. <c>LockedOutUntil</c>: when a lockout after repeated wrong passwords ends (null when not locked).
/// <c>Disabled</c>: stopped by an admin, signs in no more.
/// </summary>
public sealed record StaffView(string Id, string UserName, string DisplayName, string Role, string? DepartmentId, bool LockedOut,
    DateTimeOffset? LockedOutUntil = null, bool Disabled = false);

/// <summary>Staff accounts, kept by admins. A department handler must be bound to an existing department.</summary>
public static class StaffAdminEndpoints
{
    public static RouteGroupBuilder MapStaffAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/staff", ListAsync).WithSummary("工作人员账号");
        admin.MapPost("/staff", CreateAsync).WithSummary("新增工作人员账号");
        admin.MapPost("/staff/{id}/unlock", UnlockAsync).WithSummary("解除账号锁定（密码连续输错后）");
        admin.MapPost("/staff/{id}/password", ResetPasswordAsync).WithSummary("重置工作人员密码");
        admin.MapPost("/staff/{id}/disable", (string id, UserManager<StaffUser> users, ClaimsPrincipal me, ILoggerFactory logs) =>
            SetDisabledAsync(id, true, users, me, logs)).WithSummary("停用工作人员账号");
        admin.MapPost("/staff/{id}/enable", (string id, UserManager<StaffUser> users, ClaimsPrincipal me, ILoggerFactory logs) =>
            SetDisabledAsync(id, false, users, me, logs)).WithSummary("启用工作人员账号");
        return admin;
    }

    /// <summary>
    /// Sets a new password for someone who forgot theirs (they are told it in person, and change it themselves after). Their
    /// other sessions end at the next check (the security stamp changes), and a lockout ends with it.
    /// </summary>
    private static async Task<Results<Ok<StaffView>, ProblemHttpResult>> ResetPasswordAsync(
        string id, PasswordResetRequest request, UserManager<StaffUser> users, ClaimsPrincipal me, ILoggerFactory logs)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new Routing.NotFound("没有这个工作人员账号。").ToProblem();
        }
        if (await PasswordProblemAsync(users, user, request.Password, "password") is { } problem)
        {
            return problem;
        }
        // Validated first and then written in one update (hash, stamp, lockout): remove-then-add would leave the account
        // without a password if the second step failed.
        user.PasswordHash = users.PasswordHasher.HashPassword(user, request.Password!);
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        Succeeded(await users.UpdateSecurityStampAsync(user), $"resetting the password of {user.UserName}");
        logs.CreateLogger(typeof(StaffAdminEndpoints)).LogInformation("Password of staff account {UserName} reset by {Admin}",
            user.UserName, me.Identity?.Name);
        return TypedResults.Ok(await ViewAsync(user, users));
    }

    /// <summary>
    /// Stops or restarts an account. A stopped account cannot sign in, and its sessions end at their next check (at most
    /// <see cref="HotlineApp.SessionCheckInterval"/>). An admin cannot stop their own account, so the last admin cannot lock
    /// everyone out by mistake.
    /// </summary>
    private static async Task<Results<Ok<StaffView>, ProblemHttpResult>> SetDisabledAsync(
        string id, bool disabled, UserManager<StaffUser> users, ClaimsPrincipal me, ILoggerFactory logs)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return new Routing.NotFound("没有这个工作人员账号。").ToProblem();
        }
        if (disabled && user.Id == users.GetUserId(me))
        {
            return new Routing.RuleViolated("不能停用自己的账号。").ToProblem();
        }
        if (user.Disabled != disabled)
        {
            user.Disabled = disabled;
            Succeeded(await users.UpdateSecurityStampAsync(user), $"{(disabled ? "disabling" : "enabling")} {user.UserName}");
            logs.CreateLogger(typeof(StaffAdminEndpoints)).LogInformation("Staff account {UserName} {Change} by {Admin}",
                user.UserName, disabled ? "disabled" : "enabled", me.Identity?.Name);
        }
        return TypedResults.Ok(await ViewAsync(user, users));
    }

    /// <summary>The password rules' failures as a problem on <paramref name="field"/>, in Chinese; null when the password is acceptable.</summary>
    internal static async Task<ProblemHttpResult?> PasswordProblemAsync(UserManager<StaffUser> users, StaffUser user, string? password, string field)
    {
        if (string.IsNullOrEmpty(password))
        {
            return ValidationFailed.One(field, "请输入新密码。").ToProblem();
        }
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors.Select(e => PasswordMessage(e.Code) ?? e.Description));
        }
        return errors.Count == 0 ? null : new ValidationFailed(new Dictionary<string, string[]> { [field] = [.. errors] }).ToProblem();
    }

    private static void Succeeded(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{what} failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    private static async Task<StaffView> ViewAsync(StaffUser user, UserManager<StaffUser> users)
    {
        var role = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        var locked = await users.IsLockedOutAsync(user);
        return new StaffView(user.Id, user.UserName ?? "", user.DisplayName, role, user.DepartmentId, locked, locked ? user.LockoutEnd : null,
            user.Disabled);
    }

    private static async Task<Ok<StaffView[]>> ListAsync(UserManager<StaffUser> users, CancellationToken ct)
    {
        var all = await users.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var views = new List<StaffView>();
        foreach (var user in all)
        {
            // Identity decides lockouts on the system clock, not on IClock: ViewAsync asks it, so the list says what sign-in will do.
            views.Add(await ViewAsync(user, users));
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
        return TypedResults.Ok(await ViewAsync(user, users));
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
