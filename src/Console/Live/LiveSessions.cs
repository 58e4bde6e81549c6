using System.Collections.Concurrent;
using System.Security.Claims;
using Hotline.Host.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Hotline.Host.Live;

/// <summary>
/// Open live-console connections are sessions too. A WebSocket, once open, is not re-checked by the cookie's security-stamp
/// validation (that runs per HTTP request), so a stopped account or one whose password was reset would go on receiving events.
/// Each host keeps its own connections here with the security stamp they connected with and, as often as cookies are checked
/// (<see cref="HotlineApp.SessionCheckInterval"/>), ends those whose account is gone, stopped, or has a new stamp. A person
/// who changed their own password reconnects at once with their renewed cookie and catches up; nothing is missed.
/// </summary>
public sealed partial class LiveSessions(IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, ILogger<LiveSessions> logger)
    : BackgroundService
{
    private sealed record Session(HubCallerContext Context, string UserId, string? Stamp);

    private readonly ConcurrentDictionary<string, Session> _open = new();

    public void Opened(HubCallerContext context)
    {
        var claims = identity.Value.ClaimsIdentity;
        if (context.User?.FindFirstValue(claims.UserIdClaimType) is { } userId)
        {
            _open[context.ConnectionId] = new Session(context, userId, context.User.FindFirstValue(claims.SecurityStampClaimType));
        }
    }

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>Ends the connections whose account is gone, stopped, or changed its stamp since they connected; returns how many.</summary>
    public async Task<int> CheckAsync(CancellationToken ct)
    {
        var sessions = _open.Values.ToList();
        if (sessions.Count == 0)
        {
            return 0;
        }
        var userIds = sessions.Select(s => s.UserId).Distinct().ToList();
        using var scope = scopes.CreateScope();
        var accounts = await scope.ServiceProvider.GetRequiredService<HostDbContext>().Users.AsNoTracking()
            .Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.SecurityStamp, u.Disabled })
            .ToDictionaryAsync(u => u.Id, ct);
        var ended = 0;
        foreach (var session in sessions)
        {
            if (accounts.TryGetValue(session.UserId, out var account) && !account.Disabled && account.SecurityStamp == session.Stamp)
            {
                continue;
            }
            session.Context.Abort();
            Closed(session.Context.ConnectionId);
            LogEnded(logger, session.Context.ConnectionId, session.UserId);
            ended++;
        }
        return ended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HotlineApp.SessionCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogCheckFailed(logger, ex); // the next tick tries again
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live connection {ConnectionId} of account {UserId} ended: the account was stopped or its password changed")]
    private static partial void LogEnded(ILogger logger, string connectionId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the live connections against their accounts failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception ex);
}
