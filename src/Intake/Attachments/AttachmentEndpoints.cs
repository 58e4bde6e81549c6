using System.Security.Claims;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Intake.Attachments;

/// <summary>
/// Staff download a ticket's attachments. Only someone who may see the ticket (a department only its own) gets a file, and only
/// a file attached to that ticket: knowing a hash is not enough. Files are always sent as downloads with the content type
/// detected at upload, never rendered in the page.
/// </summary>
public static class AttachmentEndpoints
{
    public static RouteGroupBuilder MapAttachmentDownload(this RouteGroupBuilder tickets)
    {
        tickets.MapGet("/{id:guid}/attachments/{sha256}", DownloadAsync).WithSummary("下载工单附件");
        return tickets;
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        Guid id, string sha256, ClaimsPrincipal user, TicketWorkflow workflow, AttachmentStore store, HttpResponse response,
        CancellationToken ct)
    {
        var notFound = new Hotline.Routing.NotFound("附件不存在，或您无权查看该工单。");
        var hash = sha256.ToLowerInvariant();
        if (!AttachmentStore.IsSha256(hash))
        {
            return notFound.ToProblem();
        }
        var ticket = await workflow.LoadVisibleAsync(new TicketId(id), StaffPrincipal.ToActor(user), ct);
        var attachment = ticket?.Attachments.FirstOrDefault(a => a.Sha256 == hash);
        if (attachment is null)
        {
            return notFound.ToProblem();
        }
        // Recorded on the ticket but gone from disk is data loss, not "not found": fail loudly (500 with a trace id).
        var stream = store.OpenRead(hash)
            ?? throw new InvalidOperationException($"Attachment {hash} of ticket {id} is missing from the attachment store.");
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return TypedResults.File(stream, attachment.ContentType, attachment.FileName);
    }
}
