using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Hotline.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hotline.Intake.Web;

/// <summary>
/// Limits on the citizen endpoints (<c>Hotline:RateLimits</c>), each a fixed window: per client address for every
/// <c>/api/citizen</c> request, and per phone number for submissions. Mainland mobile networks put many people behind one
/// address (carrier-grade NAT), so the address limit is generous and the phone limit is the tight one.
/// </summary>
public sealed class CitizenRateLimitOptions
{
    public const string SectionName = "Hotline:RateLimits";

    /// <summary>Requests one client address (an IPv6 /64) may make to <c>/api/citizen</c> per window.</summary>
    [Range(1, 1_000_000)]
    public int PerIpPermits { get; set; } = 60;

    [Range(1, 86_400)]
    public int PerIpWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Knowledge searches one client address may make per <see cref="PerIpWindowSeconds"/>, a budget of their own: the portal
    /// searches as the citizen types, and that must not use up what the same address (many people behind one carrier address)
    /// needs to submit.
    /// </summary>
    [Range(1, 1_000_000)]
    public int PerIpSearchPermits { get; set; } = 120;

    /// <summary>Submissions one phone number may make per window; a retry with the same Idempotency-Key is not counted.</summary>
    [Range(1, 1_000_000)]
    public int PerPhonePermits { get; set; } = 10;

    [Range(1, 86_400)]
    public int PerPhoneWindowSeconds { get; set; } = 3600;
}

/// <summary>The per-address policy on the citizen route group; its 429 is a Chinese problem with <c>Retry-After</c>.</summary>
internal sealed class CitizenIpRateLimitPolicy(IOptions<CitizenRateLimitOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "citizen-ip";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => Rejected;

    /// <summary>The Chinese 429 with <c>Retry-After</c>, shared with <see cref="CitizenSearchRateLimitPolicy"/>.</summary>
    internal static readonly Func<OnRejectedContext, CancellationToken, ValueTask> Rejected = static (context, _) =>
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        var error = new TooManyRequests(
            $"您所在网络的请求过于频繁，请 {CitizenRateLimits.Seconds(retryAfter)} 秒后再试，或拨打 12345 热线。", retryAfter);
        return new ValueTask(CitizenRateLimits.WriteAsync(context.HttpContext, error));
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limits = options.Value;
        return RateLimitPartition.GetFixedWindowLimiter(ClientKey(httpContext.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.PerIpPermits,
            Window = TimeSpan.FromSeconds(limits.PerIpWindowSeconds),
            QueueLimit = 0,
        });
    }

    /// <summary>An IPv4 address as is; an IPv6 address by its /64, the block one subscriber is usually given.</summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

/// <summary>The per-address policy on the citizens' knowledge search and reading: its own budget (<see cref="CitizenRateLimitOptions.PerIpSearchPermits"/>).</summary>
internal sealed class CitizenSearchRateLimitPolicy(IOptions<CitizenRateLimitOptions> options) : IRateLimiterPolicy<string>
{
    public const string Name = "citizen-search";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => CitizenIpRateLimitPolicy.Rejected;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var limits = options.Value;
        return RateLimitPartition.GetFixedWindowLimiter(CitizenIpRateLimitPolicy.ClientKey(httpContext.Connection.RemoteIpAddress),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PerIpSearchPermits,
                Window = TimeSpan.FromSeconds(limits.PerIpWindowSeconds),
                QueueLimit = 0,
            });
    }
}

/// <summary>
/// Submissions per phone number. The number is in the body, which the rate-limiting middleware does not read, so the submission
/// handler asks this limiter once it has a valid, normalised number.
/// </summary>
internal sealed class CitizenPhoneLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public CitizenPhoneLimiter(IOptions<CitizenRateLimitOptions> options)
    {
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(phone => RateLimitPartition.GetFixedWindowLimiter(phone,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PerPhonePermits,
                Window = TimeSpan.FromSeconds(limits.PerPhoneWindowSeconds),
                QueueLimit = 0,
            }));
    }

    /// <summary>Spends one permit of <paramref name="e164"/>; null when granted, the 429 to answer when not.</summary>
    public TooManyRequests? TryAcquire(string e164)
    {
        using var lease = _limiter.AttemptAcquire(e164);
        if (lease.IsAcquired)
        {
            return null;
        }
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromHours(1);
        return new TooManyRequests(
            $"该手机号码提交诉求过于频繁，请 {CitizenRateLimits.Seconds(retryAfter)} 秒后再试；同一事项无需重复提交，可凭查询码查看办理进度。",
            retryAfter);
    }

    public void Dispose() => _limiter.Dispose();
}

internal static class CitizenRateLimits
{
    /// <summary>Writes a 429 problem with its <c>Retry-After</c> header (whole seconds).</summary>
    public static Task WriteAsync(HttpContext http, TooManyRequests error)
    {
        SetRetryAfter(http.Response, error);
        return error.ToProblem().ExecuteAsync(http);
    }

    public static void SetRetryAfter(HttpResponse response, TooManyRequests error) =>
        response.Headers.RetryAfter = error.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    public static int Seconds(TimeSpan span) => new TooManyRequests("", span).RetryAfterSeconds;
}
