using System.Net;
using System.Net.Http.Json;
using Hotline.Console.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

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

    private async Task<string> CreateAsync(HttpClient admin, string userName, string password) =>
        (await admin.PostOkAsync("/api/admin/staff", new { userName, displayName = "赵六", role = "agent", password })).Str("id");

    private Task<HttpResponseMessage> LoginAsync(string userName, string password) =>
        Host.Anonymous().PostAsJsonAsync("/api/auth/login", new { userName, password });

    [Fact]
    public async Task An_admin_resets_a_forgotten_password_after_checking_it_against_the_rules_and_the_old_one_stops_working()
    {
        var admin = await Host.SignInAsync("admin");
        var id = await CreateAsync(admin, "zhao", "Zhao-Pass-2026!");

        var weak = await (await admin.PostAsJsonAsync($"/api/admin/staff/{id}/password", new { password = "short" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("密码至少 8 位。", weak["errors"]!["password"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("zhao", "Zhao-Pass-2026!")).StatusCode); // a refused reset changed nothing

        await admin.PostOkAsync($"/api/admin/staff/{id}/password", new { password = "Zhao-New-2026!" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("zhao", "Zhao-Pass-2026!")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("zhao", "Zhao-New-2026!")).StatusCode);

        await (await admin.PostAsJsonAsync("/api/admin/staff/no-such-account/password", new { password = "Zhao-New-2026!" })).ProblemAsync(HttpStatusCode.NotFound);
        var agent = await Host.SignInAsync("agent");
        await (await agent.PostAsJsonAsync($"/api/admin/staff/{id}/password", new { password = "Agent-Took-2026!" })).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("zhao", "Zhao-New-2026!")).StatusCode);
    }

    [Fact]
    public async Task A_member_of_staff_changes_their_own_password_and_stays_signed_in()
    {
        var admin = await Host.SignInAsync("admin");
        await CreateAsync(admin, "zhao", "Zhao-Pass-2026!");
        var zhao = await Host.SignInAsync("zhao", "Zhao-Pass-2026!");

        var wrong = await (await zhao.PostAsJsonAsync("/api/auth/password", new { currentPassword = "not-it", newPassword = "Zhao-New-2026!" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("当前密码不正确。", wrong["errors"]!["currentPassword"]![0]!.GetValue<string>());
        var missing = await (await zhao.PostAsJsonAsync("/api/auth/password", new { newPassword = "Zhao-New-2026!" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("请输入当前密码。", missing["errors"]!["currentPassword"]![0]!.GetValue<string>());
        var weak = await (await zhao.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Zhao-Pass-2026!", newPassword = "abc" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.All(weak["errors"]!["newPassword"]!.AsArray(), m => Assert.True(Api.IsChinese(m!.GetValue<string>())));
        await (await zhao.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Zhao-Pass-2026!", newPassword = "Zhao-Pass-2026!" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("zhao", "Zhao-Pass-2026!")).StatusCode);

        var changed = await zhao.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Zhao-Pass-2026!", newPassword = "Zhao-New-2026!" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal("zhao", (await zhao.GetOkAsync("/api/auth/me")).Str("userName")); // this session goes on
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("zhao", "Zhao-Pass-2026!")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("zhao", "Zhao-New-2026!")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Host.Anonymous().PostAsJsonAsync("/api/auth/password",
            new { currentPassword = "Zhao-New-2026!", newPassword = "Zhao-Newer-2026!" })).StatusCode);
    }

    [Fact]
    public async Task A_stopped_account_cannot_sign_in_is_listed_as_stopped_and_can_be_restarted_but_an_admin_cannot_stop_themselves()
    {
        var admin = await Host.SignInAsync("admin");
        var id = await CreateAsync(admin, "zhao", "Zhao-Pass-2026!");

        var stopped = await admin.PostOkAsync($"/api/admin/staff/{id}/disable", new { });
        Assert.True(stopped["disabled"]!.GetValue<bool>());
        Assert.True((await admin.GetOkAsync("/api/admin/staff")).AsArray().Single(s => s!.Str("userName") == "zhao")!["disabled"]!.GetValue<bool>());
        var refused = await (await LoginAsync("zhao", "Zhao-Pass-2026!")).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("该账号已被管理员停用，如需使用请联系管理员。", refused.Str("detail"));
        // Without the password, a stopped account looks like any failed sign-in.
        await (await LoginAsync("zhao", "wrong-password")).ProblemAsync(HttpStatusCode.Unauthorized);

        var self = (await admin.GetOkAsync("/api/auth/me")).Str("id");
        var selfStop = await (await admin.PostAsJsonAsync($"/api/admin/staff/{self}/disable", new { })).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("不能停用自己的账号。", selfStop.Str("detail"));
        await (await admin.PostAsJsonAsync("/api/admin/staff/no-such-account/disable", new { })).ProblemAsync(HttpStatusCode.NotFound);

        var restarted = await admin.PostOkAsync($"/api/admin/staff/{id}/enable", new { });
        Assert.False(restarted["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("zhao", "Zhao-Pass-2026!")).StatusCode);
    }

    [Fact]
    public async Task Stopping_an_account_or_resetting_its_password_ends_its_open_sessions_at_their_next_check()
    {
        // The check runs every minute in the product (HotlineApp.SessionCheckInterval); this host checks on every request.
        await using var host = await TestHost.StartAsync(Database, deliverOutbox: false,
            services: s => s.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero));
        var admin = await host.SignInAsync("admin");
        var id = (await admin.PostOkAsync("/api/admin/staff", new { userName = "zhao", displayName = "赵六", role = "agent", password = "Zhao-Pass-2026!" })).Str("id");

        var stoppedSession = await host.SignInAsync("zhao", "Zhao-Pass-2026!");
        Assert.Equal(HttpStatusCode.OK, (await stoppedSession.GetAsync("/api/auth/me")).StatusCode);
        await admin.PostOkAsync($"/api/admin/staff/{id}/disable", new { });
        Assert.Equal(HttpStatusCode.Unauthorized, (await stoppedSession.GetAsync("/api/tickets")).StatusCode);

        await admin.PostOkAsync($"/api/admin/staff/{id}/enable", new { });
        var resetSession = await host.SignInAsync("zhao", "Zhao-Pass-2026!");
        Assert.Equal(HttpStatusCode.OK, (await resetSession.GetAsync("/api/tickets")).StatusCode);
        await admin.PostOkAsync($"/api/admin/staff/{id}/password", new { password = "Zhao-New-2026!" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await resetSession.GetAsync("/api/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/tickets")).StatusCode); // nobody else's session ended
    }
}
