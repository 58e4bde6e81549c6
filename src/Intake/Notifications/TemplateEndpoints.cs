using System.Security.Claims;
using Hotline.Intake.Sms;
using Hotline.Intake.Storage;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Intake.Notifications;

public sealed record TemplateView(string Key, string Text, string DefaultText, bool Customised, DateTimeOffset? UpdatedAt, string? UpdatedBy);

public sealed record TemplateRequest(string? Text);

/// <summary>Admins edit the Chinese texts sent to citizens; deleting a customisation restores the built-in text.</summary>
public static class TemplateEndpoints
{
    private static readonly string[] Placeholders = ["{trackingCode}", "{link}", "{report}"];

    public static RouteGroupBuilder MapTemplateAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/templates", ListAsync).WithSummary("短信模板");
        admin.MapPut("/templates/{key}", PutAsync).WithSummary("修改短信模板");
        admin.MapDelete("/templates/{key}", ResetAsync).WithSummary("恢复默认短信模板");
        return admin;
    }

    private static async Task<Ok<TemplateView[]>> ListAsync(IntakeDbContext db, CancellationToken ct)
    {
        var stored = await db.Templates.AsNoTracking().ToDictionaryAsync(t => t.Key, ct);
        return TypedResults.Ok(MessageTemplates.Defaults.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => stored.TryGetValue(d.Key, out var t)
            ? new TemplateView(d.Key, t.Text, d.Value, true, t.UpdatedAt.ToDateTimeOffset(), t.UpdatedBy)
            : new TemplateView(d.Key, d.Value, d.Value, false, null, null)).ToArray());
    }

    private static async Task<Results<Ok<TemplateView>, ProblemHttpResult>> PutAsync(
        string key, TemplateRequest request, ClaimsPrincipal user, IntakeDbContext db, IClock clock, CancellationToken ct)
    {
        if (!MessageTemplates.Defaults.TryGetValue(key, out var builtIn))
        {
            return new Routing.NotFound($"没有名为「{key}」的模板。").ToProblem();
        }
        var input = new Input();
        var text = input.Required(request.Text, "text", "模板内容", 500);
        // A template must keep the placeholders its default uses, or citizens would get texts without their tracking code.
        foreach (var placeholder in Placeholders.Where(p => builtIn.Contains(p, StringComparison.Ordinal)))
        {
            if (!text.Contains(placeholder, StringComparison.Ordinal))
            {
                input.Add("text", $"模板须保留占位符 {placeholder}。");
            }
        }
        if (!input.Ok)
        {
            return input.Failure.ToProblem();
        }
        var template = await db.Templates.SingleOrDefaultAsync(t => t.Key == key, ct);
        if (template is null)
        {
            template = new MessageTemplate { Key = key };
            db.Templates.Add(template);
        }
        template.Text = text;
        template.UpdatedAt = clock.GetCurrentInstant();
        template.UpdatedBy = StaffPrincipal.ToActor(user).Name;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new TemplateView(key, text, builtIn, true, template.UpdatedAt.ToDateTimeOffset(), template.UpdatedBy));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetAsync(string key, IntakeDbContext db, CancellationToken ct)
    {
        if (!MessageTemplates.Defaults.ContainsKey(key))
        {
            return new Routing.NotFound($"没有名为「{key}」的模板。").ToProblem();
        }
        await db.Templates.Where(t => t.Key == key).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }
}
