using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Routing.Engine;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>
/// The routing engine through the API: history imported, a model trained and versioned, advice while typing, new tickets
/// classified with a reason and dispatched when confident, and dispatchers' corrections kept for the next model.
/// Trains on the real TipDM titles (read from ../shared, never copied into the repository).
/// </summary>
public sealed class RoutingEngineTests : HostTest
{
    private static string? TitlesFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hotline.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "datasets", "tipdm2020", "routing-titles-train.jsonl");
                return File.Exists(path) ? path : null;
            }
        }
        return null;
    }

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient admin, string jsonl) =>
        await admin.PostAsync("/api/admin/routing/training-data", new StringContent(jsonl, Encoding.UTF8, "application/x-ndjson"));

    private async Task DeliverAllAsync()
    {
        var dispatcher = Host.Get<OutboxDispatcher>();
        while (await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0)
        {
        }
    }

    [Fact]
    public async Task WithoutAModel_AdviceSaysSo_AndTicketsWaitForADispatcher()
    {
        var agent = await Host.SignInAsync("agent");
        var advice = await agent.PostAsync("/api/routing/suggest", System.Net.Http.Json.JsonContent.Create(new { content = "路灯不亮" }));
        Assert.Contains("尚未训练", (await advice.ProblemAsync(HttpStatusCode.UnprocessableEntity)).Str("detail"));
        var (id, _) = await SubmitAsync();
        await DeliverAllAsync();
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));
    }

    [Fact]
    public async Task WithoutAModel_TheCatalogueStillSuggests_WithNoConfidence_AndTheTicketWaitsWithThatSuggestion()
    {
        // A new installation before its history is imported: what a dispatcher would look up in the catalogue is suggested,
        // never dispatched on its own.
        var agent = await Host.SignInAsync("agent");
        var advice = await agent.PostOkAsync("/api/routing/suggest", new { title = "半夜施工吵得睡不着", content = "工地凌晨两点还在打桩" });
        Assert.Null(advice["modelVersion"]);
        Assert.Null(advice["confidence"]);
        Assert.Null(advice["threshold"]);
        Assert.False(advice["wouldDispatch"]!.GetValue<bool>());
        var best = advice["suggestions"]![0]!;
        Assert.Equal(("environment", "city-environment"), (best.Str("categoryId"), best.Str("departmentId")));
        Assert.Null(best["probability"]);
        Assert.Equal("catalogue", advice.Str("departmentSource"));
        Assert.Contains("没有可用的文本模型", advice.Str("reason"));
        Assert.Contains("文本模型：尚未训练分类模型", advice.Str("reason"));
        Assert.Contains("分类依据派单目录事项「夜间施工噪音」", advice.Str("reason"));

        var (id, _) = await SubmitAsync("半夜施工吵得睡不着，工地凌晨两点还在打桩");
        await DeliverAllAsync();
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));
        var decision = (await agent.GetOkAsync($"/api/tickets/{id}/routing"))["decision"]!;
        Assert.Equal(("city-environment", false), (decision.Str("department"), decision["automatic"]!.GetValue<bool>()));
        Assert.Null(decision["confidence"]);
        Assert.Null(decision["modelVersion"]);

        // The first training: the tickets already waiting get the model's decision too — the one decided from the catalogue,
        // and one nothing could be said about — so the queue does not keep catalogue hints beside confident new tickets.
        var (unknown, _) = await SubmitAsync("路灯不亮");
        await DeliverAllAsync();
        Assert.Equal(404, (int)(await agent.GetAsync($"/api/tickets/{unknown}/routing")).StatusCode);
        var admin = await Host.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, SmallHistory.Jsonl())).StatusCode);
        var version = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");
        await DeliverAllAsync();
        foreach (var waiting in new[] { id, unknown })
        {
            var redecided = (await agent.GetOkAsync($"/api/tickets/{waiting}/routing"))["decision"]!;
            Assert.Equal(version, redecided.Str("modelVersion"));
            Assert.NotNull(redecided["confidence"]);
        }
        Assert.Equal((2, 1), (await DecisionsAsync(id), await DecisionsAsync(unknown)));

        // A decision a model made stays: putting the model in use again decides nothing anew.
        await admin.PostOkAsync($"/api/admin/routing/models/{version}/activate", new { });
        await DeliverAllAsync();
        Assert.Equal((2, 1), (await DecisionsAsync(id), await DecisionsAsync(unknown)));
    }

    [Fact]
    public async Task AModelPutInUseByAnotherHost_StillDecidesTheWaitingTickets_ThoughThisHostCachedNoModel_ButNotAReturnedTicket()
    {
        // A trained version, then back to no model in use: this host's cache (read once a minute) says so below.
        var version = await TrainedThenSwitchedOffAsync();
        const string Noise = "半夜施工吵得睡不着，工地凌晨两点还在打桩";
        var (waiting, _) = await SubmitAsync(Noise);
        var (returned, _) = await SubmitAsync(Noise + "，已经一个星期了");
        await DeliverAllAsync();
        var dispatcher = await Host.SignInAsync("dispatcher");
        var housing = await Host.SignInAsync("housing");
        await dispatcher.PostOkAsync($"/api/tickets/{returned}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{returned}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{returned}/return", new { reason = "施工噪音不属于本单位" });
        await dispatcher.PostOkAsync($"/api/tickets/{returned}/return-review", new { approve = true });
        await DeliverAllAsync();
        var agent = await Host.SignInAsync("agent");
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{returned}")).Str("state"));
        Assert.Null((await agent.GetOkAsync($"/api/tickets/{waiting}/routing"))["decision"]!["modelVersion"]);

        // Another host puts the version back in use: the row and its message, in one save. This host's cache still says none.
        await ChangeAsync(async db =>
        {
            await db.RoutingModels.Where(m => m.Version == version).ExecuteUpdateAsync(u => u.SetProperty(m => m.Active, true));
            OutboxWriter.Enqueue(db, ModelActivated.Topic, new ModelActivated(version), Host.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
        });
        await DeliverAllAsync(); // the ticket's decision finds the stale cache and reads the database again, at once

        var decided = (await agent.GetOkAsync($"/api/tickets/{waiting}/routing"))["decision"]!;
        Assert.Equal(version, decided.Str("modelVersion"));
        Assert.Equal(decided.Str("categoryId"), (await agent.GetOkAsync($"/api/tickets/{waiting}")).Str("categoryId")); // the hint's category followed
        // The version's figures in service count the ticket it decided after the first, model-less decision.
        var admin = await Host.SignInAsync("admin");
        var outcome = (await admin.GetOkAsync("/api/admin/routing/outcomes?days=7"))["models"]!.AsArray().Single(m => m!.Str("version") == version)!;
        Assert.Equal(1, outcome["classified"]!.GetValue<int>());
        // Dispatched once and returned: the dispatcher decides it, the engine does not send it back on its own.
        Assert.Equal(1, await DecisionsAsync(returned));
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{returned}")).Str("state"));
    }

    [Fact]
    public async Task ANewTicket_RightAfterAnotherHostPutAModelInUse_IsDecidedByIt()
    {
        var version = await TrainedThenSwitchedOffAsync();
        var agent = await Host.SignInAsync("agent");
        Assert.Null((await agent.PostOkAsync("/api/routing/suggest", new { content = "半夜施工吵得睡不着" }))["modelVersion"]); // cached: none

        // Another host puts the version in use; this host's cache still says none when the next ticket comes in.
        await ChangeAsync(db => db.RoutingModels.Where(m => m.Version == version).ExecuteUpdateAsync(u => u.SetProperty(m => m.Active, true)));
        var (id, _) = await SubmitAsync("半夜施工吵得睡不着，工地凌晨两点还在打桩");
        await DeliverAllAsync();

        Assert.Equal(version, (await agent.GetOkAsync($"/api/tickets/{id}/routing"))["decision"]!.Str("modelVersion"));
    }

    [Fact]
    public async Task AModelPutInUseButUnreadable_LeavesTheWaitingTicketsWithTheirHints_AndNothingToRetry()
    {
        var version = await TrainedThenSwitchedOffAsync();
        var (waiting, _) = await SubmitAsync("半夜施工吵得睡不着，工地凌晨两点还在打桩");
        await DeliverAllAsync();

        // The version is put back in use, but its file was damaged in storage.
        await ChangeAsync(async db =>
        {
            await db.RoutingModels.Where(m => m.Version == version)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Active, true).SetProperty(m => m.File, new byte[] { 1, 2, 3 }));
            OutboxWriter.Enqueue(db, ModelActivated.Topic, new ModelActivated(version), Host.Clock.GetCurrentInstant());
            await db.SaveChangesAsync();
        });
        await DeliverAllAsync();

        var agent = await Host.SignInAsync("agent");
        Assert.Null((await agent.GetOkAsync($"/api/tickets/{waiting}/routing"))["decision"]!["modelVersion"]); // its hint stays
        await ChangeAsync(async db => Assert.Equal(0, await db.Outbox.CountAsync(m => m.DeliveredAt == null))); // not retried every 5 minutes
    }

    /// <summary>Trains a model on the small history, then switches every model off (as if none were in use) and clears this
    /// host's cache; returns the trained version.</summary>
    private async Task<string> TrainedThenSwitchedOffAsync()
    {
        var admin = await Host.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, SmallHistory.Jsonl())).StatusCode);
        var version = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");
        await DeliverAllAsync();
        await ChangeAsync(db => db.RoutingModels.ExecuteUpdateAsync(u => u.SetProperty(m => m.Active, false)));
        Host.Get<ModelStore>().Invalidate();
        return version;
    }

    private async Task ChangeAsync(Func<RoutingDbContext, Task> change)
    {
        using var scope = Host.Services.CreateScope();
        await change(scope.ServiceProvider.GetRequiredService<RoutingDbContext>());
    }

    private async Task<int> DecisionsAsync(string ticketId)
    {
        using var scope = Host.Services.CreateScope();
        var id = new Hotline.Routing.Tickets.TicketId(Guid.Parse(ticketId));
        return await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().Timeline
            .CountAsync(e => e.TicketId == id && e.Kind == Hotline.Routing.Tickets.TimelineEventKind.Classified);
    }

    [Fact]
    public async Task WhileAnotherTrainingOrActivationRuns_ASecondIsRefused_NotRunAlongside()
    {
        var admin = await Host.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, SmallHistory.Jsonl())).StatusCode);
        var first = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");

        // Another host (or the scheduled job) is training: it holds the lease.
        var claims = Host.Get<Hotline.Routing.Supervision.BackgroundClaims>();
        var held = await claims.TryClaimAsync(RoutingTrainer.ModelLease, TimeSpan.Zero, TimeSpan.FromMinutes(30), CancellationToken.None);
        Assert.NotNull(held);
        var busy = await (await admin.PostAsync("/api/admin/routing/retrain", null)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(("模型训练正在进行", true), (busy.Str("title"), busy.Str("detail").Contains("正在进行", StringComparison.Ordinal)));
        await (await admin.PostAsync($"/api/admin/routing/models/{first}/activate", null)).ProblemAsync(HttpStatusCode.Conflict);

        await claims.ReleaseAsync(held, CancellationToken.None);
        Assert.Equal(first, (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version"));
        Assert.Single((await admin.GetOkAsync("/api/admin/routing/models")).AsArray(), m => m!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheSameHistory_ImportedInAnotherOrder_TrainsTheSameModel()
    {
        // One import's rows share a timestamp and the database returns them in no particular order; the model (its folds, and so
        // its version) must not depend on that.
        var admin = await Host.SignInAsync("admin");
        var lines = SmallHistory.Jsonl().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, string.Join('\n', lines))).StatusCode);
        var first = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");

        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().TrainingExamples.ExecuteDeleteAsync();
        }
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, string.Join('\n', lines.Reverse()))).StatusCode);
        var second = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task AnEarlierModel_CanBePutBackInUse_ButNotOneThatCannotBeRead()
    {
        var admin = await Host.SignInAsync("admin");
        var agent = await Host.SignInAsync("agent");
        var lines = SmallHistory.Jsonl().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, string.Join('\n', lines))).StatusCode);
        var first = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");
        // More history (the same lines again would not be added: an import adds only what earlier imports have not).
        var more = lines.Take(6).Select(l => l.Replace("{\"text\":\"", "{\"text\":\"又一起：", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, string.Join('\n', more))).StatusCode);
        var second = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");
        Assert.NotEqual(first, second);
        async Task<string> AdvisingAsync() => (await agent.PostOkAsync("/api/routing/suggest", new { content = "路灯不亮" })).Str("modelVersion");
        Assert.Equal(second, await AdvisingAsync());

        // The rollback: the first version is in use at once (the engine's cache is cleared), and the only one active.
        var restored = await admin.PostOkAsync($"/api/admin/routing/models/{first}/activate", new { });
        Assert.True(restored["active"]!.GetValue<bool>());
        Assert.Equal(first, await AdvisingAsync());
        var listed = (await admin.GetOkAsync("/api/admin/routing/models")).AsArray();
        Assert.Equal([first], listed.Where(m => m!["active"]!.GetValue<bool>()).Select(m => m!.Str("version")));

        await (await admin.PostAsync("/api/admin/routing/models/no-such-version/activate", null)).ProblemAsync(HttpStatusCode.NotFound);
        using (var scope = Host.Services.CreateScope())
        {
            // A damaged file (a flipped byte) is refused before it replaces the model in use.
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var bytes = (await db.RoutingModels.SingleAsync(m => m.Version == second)).File.ToArray();
            bytes[bytes.Length / 2] ^= 0xff;
            await db.RoutingModels.Where(m => m.Version == second).ExecuteUpdateAsync(s => s.SetProperty(m => m.File, bytes));
        }
        var damaged = await (await admin.PostAsync($"/api/admin/routing/models/{second}/activate", null)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("无法读取", damaged.Str("detail"));
        Assert.Equal(first, await AdvisingAsync());
    }

    [Fact]
    public async Task ScheduledRetraining_KeepsTheModelInUse_WhenTheNewOneIsClearlyWorse_OrWasSwitchedOff()
    {
        var admin = await Host.SignInAsync("admin");
        var lines = SmallHistory.Jsonl().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, string.Join('\n', lines))).StatusCode);
        var good = await admin.PostOkAsync("/api/admin/routing/retrain", new { });

        // The same texts again, each under the next category's name: half the history is now wrong.
        var labels = lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.Str("label")).Distinct().ToArray();
        var wrong = lines.Select(l =>
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(l)!;
            node["label"] = labels[(Array.IndexOf(labels, node.Str("label")) + 1) % labels.Length];
            return node.ToJsonString(Api.Json);
        });
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, string.Join('\n', wrong))).StatusCode);
        async Task<ModelSummary> ScheduledAsync(RoutingOptions? settings = null)
        {
            using var scope = Host.Services.CreateScope();
            var services = scope.ServiceProvider;
            var trainer = settings is null
                ? services.GetRequiredService<RoutingTrainer>()
                : new RoutingTrainer(services.GetRequiredService<RoutingDbContext>(), services.GetRequiredService<ModelStore>(),
                    services.GetRequiredService<IClock>(), Options.Create(settings), NullLogger<RoutingTrainer>.Instance,
                    services.GetRequiredService<Hotline.Routing.Supervision.BackgroundClaims>());
            return (await trainer.TrainAsync(CancellationToken.None, scheduled: true)).Value!;
        }
        async Task<string> ActiveAsync() => (await admin.GetOkAsync("/api/admin/routing/models")).AsArray()
            .Single(m => m!["active"]!.GetValue<bool>())!.Str("version");

        var worse = await ScheduledAsync();
        Assert.True(worse.MacroF1 < good["macroF1"]!.GetValue<double>() - 0.02, $"{worse.MacroF1} against {good["macroF1"]}");
        Assert.False(worse.Active);
        Assert.Equal(good.Str("version"), await ActiveAsync());
        Assert.Equal(2, (await admin.GetOkAsync("/api/admin/routing/models")).AsArray().Count);
        // The reason is stored with the version and shown to admins: the figure, the version in use, and the tolerance.
        async Task<string?> ReasonAsync(string version) => (await admin.GetOkAsync("/api/admin/routing/models")).AsArray()
            .Single(m => m!.Str("version") == version)!["heldBackReason"]?.GetValue<string>();
        var reason = await ReasonAsync(worse.Version);
        Assert.Equal(reason, worse.HeldBackReason);
        Assert.StartsWith("定时训练未启用：宏平均 F1", reason);
        Assert.Contains(good.Str("version")[..12], reason);
        Assert.Contains("超过允许的 0.020", reason);
        Assert.Null(await ReasonAsync(good.Str("version")));
        // Where only the dispatched share falls too far (the F1 tolerance set out of reach), the same version is judged again on
        // its figures and the reason names the share, in percentage points.
        var byShare = await ScheduledAsync(new RoutingOptions { ScheduledMaxMacroF1Drop = 1 });
        Assert.Equal(worse.Version, byShare.Version);
        Assert.False(byShare.Active);
        Assert.True(good["dispatchShare"]!.GetValue<double>() - byShare.DispatchShare > 0.05, $"{byShare.DispatchShare} against {good["dispatchShare"]}");
        Assert.StartsWith("定时训练未启用：自动派单比例", await ReasonAsync(worse.Version));
        Assert.Contains(good.Str("version")[..12], byShare.HeldBackReason);
        Assert.Contains("超过允许的 5.0 个百分点", byShare.HeldBackReason);
        Assert.Equal(good.Str("version"), await ActiveAsync());

        // An admin's own training takes effect. Half its history contradicts the other half, so no confidence keeps 98 %
        // precision: it has no threshold (null, not a number JSON cannot carry) and advises without dispatching anything.
        var retrained = await admin.PostOkAsync("/api/admin/routing/retrain", new { });
        Assert.Equal(worse.Version, retrained.Str("version"));
        Assert.Null(retrained["threshold"]);
        Assert.Null(retrained["heldBackReason"]); // in use now: the old reason no longer applies
        Assert.Equal(worse.Version, await ActiveAsync());
        var advice = await (await Host.SignInAsync("agent")).PostOkAsync("/api/routing/suggest", new { content = "路灯不亮" });
        Assert.Null(advice["threshold"]);
        Assert.False(advice["wouldDispatch"]!.GetValue<bool>());
        Assert.Contains("达不到自动派单所需的准确率", advice.Str("reason"));
        await admin.PostOkAsync($"/api/admin/routing/models/{good.Str("version")}/activate", new { });
        var switchedOff = await ScheduledAsync();
        Assert.False(switchedOff.Active);
        Assert.Equal(good.Str("version"), await ActiveAsync());
        // Was in use, then an admin chose another: a rollback, which the job does not undo, said as such.
        Assert.StartsWith("该版本曾被停用", await ReasonAsync(switchedOff.Version));
    }

    [Fact]
    public async Task AnActiveModelDamagedInStorage_IsNoModel_AdviceSaysWhy_AndTicketsWaitForADispatcher()
    {
        var admin = await Host.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, SmallHistory.Jsonl())).StatusCode);
        var version = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");
        using (var scope = Host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var bytes = (await db.RoutingModels.SingleAsync(m => m.Version == version)).File[..100]; // truncated
            await db.RoutingModels.Where(m => m.Version == version).ExecuteUpdateAsync(s => s.SetProperty(m => m.File, bytes));
        }
        Host.Get<ModelStore>().Invalidate(); // as a host restarted after the damage would

        var agent = await Host.SignInAsync("agent");
        for (var i = 0; i < 2; i++)
        {
            var problem = await (await agent.PostAsync("/api/routing/suggest", System.Net.Http.Json.JsonContent.Create(new { content = "路灯不亮" })))
                .ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Contains("无法读取", problem.Str("detail"));
            Assert.Contains("启用其他版本", problem.Str("detail"));
        }
        var (id, _) = await SubmitAsync();
        await DeliverAllAsync();
        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{id}")).Str("state"));
    }

    [Fact]
    public async Task TooFewExamplesInAll_UnderALowPerLabelSetting_AreA422_NotA500()
    {
        // The per-label minimum may be set as low as 2; the trainer's own cross-validation still needs 10 texts in all.
        await using var host = await TestHost.StartAsync(Database, deliverOutbox: false,
            settings: new Dictionary<string, string> { ["Hotline:Routing:MinimumExamplesPerLabel"] = "2" });
        var admin = await host.SignInAsync("admin");
        var lines = new StringBuilder();
        foreach (var (text, label) in new[] { ("路灯不亮", "城乡建设"), ("小区停水", "城乡建设"), ("物业乱收费", "城乡建设"), ("楼道漏水", "城乡建设"),
                     ("工厂排污", "环境保护"), ("夜间噪音", "环境保护"), ("河道发臭", "环境保护"), ("焚烧垃圾", "环境保护") })
        {
            lines.Append($"{{\"text\":\"{text}\",\"label\":\"{label}\"}}\n");
        }
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, lines.ToString())).StatusCode);

        var problem = await (await admin.PostAsync("/api/admin/routing/retrain", null)).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("训练样本共 8 条，至少需要 10 条", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadHistoryFiles_AreRefusedWhole_WithLineNumbers()
    {
        var admin = await Host.SignInAsync("admin");
        var problem = await (await ImportAsync(admin, "{\"text\":\"路灯\",\"label\":\"城乡建设\"}\nnot json\n{\"text\":\"x\",\"label\":\"外星事务\"}\n"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var lines = problem["errors"]!["lines"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains(lines, l => l.StartsWith("第 2 行", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("外星事务", StringComparison.Ordinal));
        using var scope = Host.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().TrainingExamples.CountAsync());
        var tooFew = await admin.PostAsync("/api/admin/routing/retrain", null);
        await tooFew.ProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    private const string ClearText = "医院乱收费，看病贵，请卫健委查处";

    /// <summary>A model trained on the TipDM titles, sure of <see cref="ClearText"/> (卫生计生); skips without the data set.</summary>
    private async Task<(string Version, HttpClient Agent)> TrainedOnTheTitlesAsync()
    {
        var file = TitlesFile();
        if (file is null)
        {
            Assert.Skip("The TipDM data set is not beside the repository (../shared/datasets/tipdm2020).");
        }
        var admin = await Host.SignInAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, await File.ReadAllTextAsync(file))).StatusCode);
        var version = (await admin.PostOkAsync("/api/admin/routing/retrain", new { })).Str("version");
        var agent = await Host.SignInAsync("agent");
        Assert.True((await agent.PostOkAsync("/api/routing/suggest", new { content = ClearText }))["wouldDispatch"]!.GetValue<bool>());
        return (version, agent);
    }

    [Fact]
    public async Task ACategoryTheAgentChose_ThatTheEngineDisagreesWith_HoldsASureTicketForADispatcher()
    {
        var (version, agent) = await TrainedOnTheTitlesAsync();

        // While the agent fills in the form, the advice says what the chosen category will do: 交通运输 holds the ticket, 卫生计生
        // lets it go; a category that does not exist is refused.
        var asTransport = await agent.PostOkAsync("/api/routing/suggest", new { content = ClearText, categoryId = "transport" });
        Assert.False(asTransport["wouldDispatch"]!.GetValue<bool>());
        Assert.Contains("话务员选定的分类为「交通运输」", asTransport.Str("reason"), StringComparison.Ordinal);
        Assert.True((await agent.PostOkAsync("/api/routing/suggest", new { content = ClearText, categoryId = "health" }))["wouldDispatch"]!.GetValue<bool>());
        var unknown = await (await agent.PostAsync("/api/routing/suggest", System.Net.Http.Json.JsonContent.Create(new { content = ClearText, categoryId = "no-such" })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("分类「no-such」不存在。", unknown["errors"]!["categoryId"]![0]!.GetValue<string>());

        // The agent, who heard the citizen, registers it under 交通运输; the engine, sure of 卫生计生, must not overrule that alone.
        var held = (await agent.PostOkAsync("/api/tickets", new { content = ClearText, phone = "13812345678", categoryId = "transport" })).Str("id");
        var agreed = (await agent.PostOkAsync("/api/tickets", new { content = ClearText + "。", phone = "13812345679", categoryId = "health" })).Str("id");
        await DeliverAllAsync();

        var ticket = await agent.GetOkAsync($"/api/tickets/{held}");
        Assert.Equal(("PendingDispatch", "transport"), (ticket.Str("state"), ticket.Str("categoryId")));
        var recorded = await agent.GetOkAsync($"/api/tickets/{held}/routing");
        Assert.Equal((version, "卫生计生", false),
            (recorded["decision"]!.Str("modelVersion"), recorded["decision"]!.Str("label"), recorded["decision"]!["automatic"]!.GetValue<bool>()));
        Assert.Contains("话务员选定的分类为「交通运输」，与智能分类不同，请人工确认。", recorded.Str("reason"), StringComparison.Ordinal);
        Assert.DoesNotContain("可自动派单", recorded.Str("reason"), StringComparison.Ordinal);
        // Where the agent and the engine agree, the sure ticket goes at once as before.
        var sent = await agent.GetOkAsync($"/api/tickets/{agreed}");
        Assert.Equal(("Dispatched", "city-health"), (sent.Str("state"), sent["leadDepartment"]!.Str("id")));

        // The dispatcher sides with the engine by choosing the health commission from the list (no category with it): that is
        // no correction, though the ticket is still filed under the agent's 交通运输.
        var dispatcher = await Host.SignInAsync("dispatcher");
        await dispatcher.PostOkAsync($"/api/tickets/{held}/dispatch", new { leadDepartmentId = "city-health" });
        await DeliverAllAsync();
        using var scope = Host.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<RoutingDbContext>().TrainingExamples
            .AnyAsync(e => e.TicketId == Guid.Parse(held) && e.Source == ExampleSource.Correction));
    }

    [Fact]
    public async Task ASureTicket_WhoseDeadlinesReachAYearWithoutItsHolidayNotice_WaitsWithItsDecisionAndWhy()
    {
        var (version, agent) = await TrainedOnTheTitlesAsync();

        // Late December: the reply deadline falls in 2027, whose notice is not entered (the calendar must not guess it).
        Host.Clock.Set(Infrastructure.TestClock.Shanghai(2026, 12, 28));
        var (id, _) = await SubmitAsync(ClearText, type: "投诉");
        await DeliverAllAsync();

        var ticket = await agent.GetOkAsync($"/api/tickets/{id}");
        Assert.Equal("PendingDispatch", ticket.Str("state"));
        var recorded = await agent.GetOkAsync($"/api/tickets/{id}/routing");
        var decision = recorded["decision"]!;
        Assert.Equal((version, "卫生计生", false), (decision.Str("modelVersion"), decision.Str("label"), decision["automatic"]!.GetValue<bool>()));
        Assert.Contains("2027 年的节假日安排尚未录入", recorded.Str("reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainedModel_AdvisesRoutesAndLearnsFromCorrections()
    {
        var file = TitlesFile();
        if (file is null)
        {
            Assert.Skip("The TipDM data set is not beside the repository (../shared/datasets/tipdm2020).");
        }
        var admin = await Host.SignInAsync("admin");
        var imported = await (await ImportAsync(admin, await File.ReadAllTextAsync(file))).Content.ReadAsStringAsync();
        Assert.Contains("\"imported\":7393", imported);
        var model = await admin.PostOkAsync("/api/admin/routing/retrain", new { });
        Assert.True(model["macroF1"]!.GetValue<double>() > 0.8);
        Assert.True(model["active"]!.GetValue<bool>());
        var version = model.Str("version");

        // Texts the history labels 卫生计生 (health): the engine must route one it is sure of to the health commission.
        var agent = await Host.SignInAsync("agent");
        var healthTexts = (await File.ReadAllLinesAsync(file))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("label").GetString() == "卫生计生")
            .Select(e => e.GetProperty("text").GetString()!)
            .Take(20).ToList();
        string? clearText = null;
        foreach (var text in healthTexts)
        {
            var advice = await agent.PostOkAsync("/api/routing/suggest", new { content = text });
            Assert.Equal(version, advice.Str("modelVersion"));
            // One verdict per reason, the engine's: the text model's sentence in it says what the text points to, not whether
            // to dispatch (its own threshold could say otherwise).
            var reason = advice.Str("reason")!;
            var verdicts = Regex.Count(reason, "可自动派单|请人工确认");
            Assert.True(verdicts == 1, reason);
            Assert.Contains(advice["wouldDispatch"]!.GetValue<bool>() ? "可自动派单" : "请人工确认", reason, StringComparison.Ordinal);
            if (advice["wouldDispatch"]!.GetValue<bool>())
            {
                Assert.Equal("卫生计生", advice["suggestions"]![0]!.Str("label"));
                Assert.Equal("city-health", advice["suggestions"]![0]!.Str("departmentId"));
                Assert.False(string.IsNullOrWhiteSpace(advice.Str("reason")));
                clearText = text;
                break;
            }
        }
        Assert.NotNull(clearText);

        // A clear ticket is dispatched by the engine; a vague one waits for a dispatcher with the engine's suggestions.
        var (clear, _) = await SubmitAsync(clearText, type: "举报");
        var (vague, _) = await SubmitAsync("你好，有事情想反映一下。", type: "咨询");
        await DeliverAllAsync();
        var dispatched = await agent.GetOkAsync($"/api/tickets/{clear}");
        Assert.Equal("Dispatched", dispatched.Str("state"));
        Assert.Equal("city-health", dispatched["leadDepartment"]!.Str("id"));
        Assert.Equal("health", dispatched.Str("categoryId"));
        var timeline = await TimelineAsync(agent, clear);
        Assert.Equal(["Registered", "Classified", "Dispatched"], Kinds(timeline));
        Assert.Equal("智能派单", timeline[2].Str("actorName"));
        var decision = await agent.GetOkAsync($"/api/tickets/{clear}/routing");
        Assert.Equal(version, decision["decision"]!.Str("modelVersion"));
        Assert.True(decision["decision"]!["automatic"]!.GetValue<bool>());

        Assert.Equal("PendingDispatch", (await agent.GetOkAsync($"/api/tickets/{vague}")).Str("state"));
        Assert.False((await agent.GetOkAsync($"/api/tickets/{vague}/routing"))["decision"]!["automatic"]!.GetValue<bool>());

        // The dispatcher sends the vague ticket elsewhere than suggested: a correction for the next model.
        var suggested = (await agent.GetOkAsync($"/api/tickets/{vague}/routing"))["decision"]!.Str("department");
        var other = suggested == "city-transport" ? "city-education" : "city-transport";
        var dispatcher = await Host.SignInAsync("dispatcher");
        await dispatcher.PostOkAsync($"/api/tickets/{vague}/dispatch", new { leadDepartmentId = other });
        await DeliverAllAsync();
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var correction = await db.TrainingExamples.SingleAsync(e => e.Source == ExampleSource.Correction);
        Assert.Equal(other == "city-transport" ? "交通运输" : "教育文体", correction.Label);
        Assert.Equal(vague, correction.TicketId.ToString());

        // In service: the version classified both and dispatched one on its own, uncorrected so far …
        async Task<System.Text.Json.Nodes.JsonNode> OutcomeAsync() =>
            (await admin.GetOkAsync("/api/admin/routing/outcomes?days=7"))["models"]!.AsArray().Single(m => m!.Str("version") == version)!;
        var outcome = await OutcomeAsync();
        Assert.Equal((2, 1, 0, 1.0), (outcome["classified"]!.GetValue<int>(), outcome["autoDispatched"]!.GetValue<int>(),
            outcome["corrected"]!.GetValue<int>(), outcome["precision"]!.GetValue<double>()));
        // … until the health commission returns it as not theirs and the centre agrees: one automatic dispatch was wrong.
        var health = await CreateDepartmentHandlerAsync("health-handler", "city-health");
        await health.PostOkAsync($"/api/tickets/{clear}/return", new { reason = "不属于本单位职责" });
        await dispatcher.PostOkAsync($"/api/tickets/{clear}/return-review", new { approve = true, opinion = "同意退回" });
        outcome = await OutcomeAsync();
        Assert.Equal((1, 0.0), (outcome["corrected"]!.GetValue<int>(), outcome["precision"]!.GetValue<double>()));
        await (await admin.GetAsync("/api/admin/routing/outcomes?days=0")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
