using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>Staff accounts kept by admins: creation, the lockout state sign-in applies, and unlocking.</summary>
public sealed class StaffAdminTests : HostTest
{
    [Fact]
    public async Task A_locked_out_account_is_listed_as_locked_and_an_admin_can_unlock_it()
    {
        var admin = await Host.SignInAsync("admin");
        await admin.PostOkAsync("/api/admin/staff", new
        {
            userName = "wang",
            displayName = "王五",
            role = "department",
            departmentId = "city-housing",
            password = "Wang-Pass-2026!",
        });
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var wrong = await Host.Anonymous().PostAsJsonAsync("/api/auth/login", new { userName = "wang", password = "wrong-password" });
            Assert.True(wrong.StatusCode is HttpStatusCode.Unauthorized or (HttpStatusCode)423, $"attempt {attempt}: {wrong.StatusCode}");
        }
        var locked = await Host.Anonymous().PostAsJsonAsync("/api/auth/login", new { userName = "wang", password = "Wang-Pass-2026!" });
        Assert.Equal((HttpStatusCode)423, locked.StatusCode);

        var listed = (await admin.GetOkAsync("/api/admin/staff")).AsArray().Single(s => s!.Str("userName") == "wang")!;
        Assert.True(listed["lockedOut"]!.GetValue<bool>());
        Assert.NotNull(listed["lockedOutUntil"]);
        Assert.False((await admin.GetOkAsync("/api/admin/staff")).AsArray().Single(s => s!.Str("userName") == "admin")!["lockedOut"]!.GetValue<bool>());

        var unlocked = await admin.PostOkAsync($"/api/admin/staff/{listed.Str("id")}/unlock", new { });
        Assert.False(unlocked["lockedOut"]!.GetValue<bool>());
        Assert.False((await admin.GetOkAsync("/api/admin/staff")).AsArray().Single(s => s!.Str("userName") == "wang")!["lockedOut"]!.GetValue<bool>());
        var signedIn = await Host.Anonymous().PostAsJsonAsync("/api/auth/login", new { userName = "wang", password = "Wang-Pass-2026!" });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task Unlocking_an_unknown_account_is_404_and_only_admins_may_unlock()
    {
        var admin = await Host.SignInAsync("admin");
        var problem = await (await admin.PostAsJsonAsync("/api/admin/staff/no-such-id/unlock", new { })).ProblemAsync(HttpStatusCode.NotFound);
        Assert.True(Api.IsChinese(problem.Str("detail")));

        var id = (await admin.GetOkAsync("/api/admin/staff")).AsArray().Single(s => s!.Str("userName") == "agent")!.Str("id");
        var supervisor = await Host.SignInAsync("supervisor");
        await (await supervisor.PostAsJsonAsync($"/api/admin/staff/{id}/unlock", new { })).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_bad_account_is_refused_field_by_field_in_Chinese()
    {
        var admin = await Host.SignInAsync("admin");
        var problem = await (await admin.PostAsJsonAsync("/api/admin/staff", new
        {
            userName = "admin",
            displayName = "",
            role = "department",
            password = "short",
        })).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["departmentId", "displayName", "userName"], errors.Select(e => e.Key).Order());
        Assert.All(errors.SelectMany(e => e.Value!.AsArray()), m => Assert.True(Api.IsChinese(m!.GetValue<string>())));
    }
}
