using System.Security.Claims;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Hotline.Host.Staff;

public sealed record LoginRequest(string? UserName, string? Password);

public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

public sealed record Me(string Id, string UserName, string DisplayName, string Role, string RoleLabel, string? DepartmentId);

/// <summary>Staff sign-in with a cookie (HttpOnly, SameSite=Strict; Secure whenever served over HTTPS).</summary>
public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder auth)
    {
        auth.MapPost("/login", LoginAsync).AllowAnonymous().WithSummary("工作人员登录");
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization().WithSummary("退出登录");
        auth.MapGet("/me", MeAsync).RequireAuthorization().WithSummary("当前登录人员");
        auth.MapPost("/password", ChangePasswordAsync).RequireAuthorization().WithSummary("修改本人密码");
        return auth;
    }

    private static async Task<Results<Ok<Me>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, SignInManager<StaffUser> signIn, UserManager<StaffUser> users)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return ValidationFailed.One("userName", "请输入用户名和密码。").ToProblem();
        }
        var user = await users.FindByNameAsync(request.UserName.Trim());
        if (user is null)
        {
            return Unauthorized();
        }
        if (user.Disabled)
        {
            // Said only to someone who knows the password (a wrong one gets the usual answer, and counts towards a lockout).
            var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
            return check.Succeeded
                ? TypedResults.Problem(title: "账号已停用", detail: "该账号已被管理员停用，如需使用请联系管理员。", statusCode: StatusCodes.Status403Forbidden)
                : Unauthorized();
        }
        var result = await signIn.PasswordSignInAsync(user, request.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return TypedResults.Problem(title: "账号已临时锁定", detail: "密码连续输错次数过多，请 5 分钟后再试，或联系管理员。",
                statusCode: StatusCodes.Status423Locked);
        }
        if (!result.Succeeded)
        {
            return Unauthorized();
        }
        return TypedResults.Ok(await DescribeAsync(user, users));
    }

    private static async Task<NoContent> LogoutAsync(SignInManager<StaffUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The signed-in person changes their own password (after an admin reset it, or at will). Their other sessions end at
    /// their next check; this one is renewed so it goes on.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePasswordAsync(
        PasswordChangeRequest request, ClaimsPrincipal principal, UserManager<StaffUser> users, SignInManager<StaffUser> signIn)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return Unauthorized();
        }
        if (string.IsNullOrEmpty(request.CurrentPassword))
        {
            return ValidationFailed.One("currentPassword", "请输入当前密码。").ToProblem();
        }
        if (!await users.CheckPasswordAsync(user, request.CurrentPassword))
        {
            return ValidationFailed.One("currentPassword", "当前密码不正确。").ToProblem();
        }
        if (await StaffAdminEndpoints.PasswordProblemAsync(users, user, request.NewPassword, "newPassword") is { } problem)
        {
            return problem;
        }
        if (request.NewPassword == request.CurrentPassword)
        {
            return ValidationFailed.One("newPassword", "新密码不能与当前密码相同。").ToProblem();
        }
        var changed = await users.ChangePasswordAsync(user, request.CurrentPassword, request.NewPassword!);
        if (!changed.Succeeded)
        {
            throw new InvalidOperationException($"Changing the password of {user.UserName} failed: {string.Join("; ", changed.Errors.Select(e => e.Description))}");
        }
        await signIn.RefreshSignInAsync(user);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Me>, ProblemHttpResult>> MeAsync(ClaimsPrincipal principal, UserManager<StaffUser> users)
    {
        var user = await users.GetUserAsync(principal);
        return user is null ? Unauthorized() : TypedResults.Ok(await DescribeAsync(user, users));
    }

    private static async Task<Me> DescribeAsync(StaffUser user, UserManager<StaffUser> users)
    {
        var roleName = (await users.GetRolesAsync(user)).FirstOrDefault() ?? "";
        var label = StaffRoles.TryParse(roleName, out var role) ? StaffRoles.LabelOf(role) : roleName;
        return new Me(user.Id, user.UserName ?? "", user.DisplayName, roleName, label, user.DepartmentId);
    }

    // The same answer for an unknown user and a wrong password, so sign-in cannot be used to find account names.
    private static ProblemHttpResult Unauthorized() =>
        TypedResults.Problem(title: "登录失败", detail: "用户名或密码错误。", statusCode: StatusCodes.Status401Unauthorized);
}
