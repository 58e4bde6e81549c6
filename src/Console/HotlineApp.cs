using System.Text.Encodings.Web;
using System.Text.Unicode;
using Hotline.Feedback;
using Hotline.Feedback.Assessment;
using Hotline.Feedback.Storage;
using Hotline.Host.Http;
using Hotline.Host.Live;
using Hotline.Host.Operations;
using Hotline.Host.Staff;
using Hotline.Host.Storage;
using Hotline.Intake;
using Hotline.Intake.Attachments;
using Hotline.Intake.Storage;
using Hotline.Knowledge;
using Hotline.Knowledge.Storage;
using Hotline.Routing;
using Hotline.Routing.Storage;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using NodaTime;

namespace Hotline.Host;

/// <summary>Composes the host: storage, sign-in, the modules, problem details, OpenAPI and health.</summary>
public static class HotlineApp
{
    /// <summary>
    /// The largest request body accepted anywhere (the JSON API). Only the citizen upload endpoint raises it for itself, to
    /// <c>Hotline:Attachments</c>' files × size + 1 MB.
    /// </summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var services = builder.Services;
        var configuration = builder.Configuration;
        // Defaults live in code, so `dotnet run --project src/Console` behaves the same from any working directory.
        // The default address is the lowest-priority setting, so --urls, ASPNETCORE_URLS and test hosts all override it.
        ((IConfigurationBuilder)configuration).Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("urls", DefaultUrl)],
        });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Console logs carry their scopes (the request's CorrelationId); `Logging:Console:FormatterName=json` gives one JSON object per line.
        services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        // Settings are read from the final configuration when first needed, so test hosts and command-line overrides apply.
        services.AddSingleton(sp => DatabaseSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>()); // first: everything else needs the schema

        services.AddDbContext<HostDbContext>((sp, options) =>
            sp.GetRequiredService<DatabaseSettings>().Configure(options, HostDbContext.HistoryTable));
        services.AddKnowledge(configuration, (sp, options) =>
            sp.GetRequiredService<DatabaseSettings>().Configure(options, KnowledgeDbContext.HistoryTable),
            sp => Path.Combine(Directory.CreateDirectory(sp.GetRequiredService<DatabaseSettings>().DataDirectory).FullName, "search.db"));
        services.AddRouting(configuration, (sp, options) =>
            sp.GetRequiredService<DatabaseSettings>().Configure(options, RoutingDbContext.HistoryTable));
        services.AddFeedback(configuration, (sp, options) =>
            sp.GetRequiredService<DatabaseSettings>().Configure(options, FeedbackDbContext.HistoryTable));
        services.AddAssessment(configuration);
        services.AddIntake(configuration, (sp, options) =>
            sp.GetRequiredService<DatabaseSettings>().Configure(options, IntakeDbContext.HistoryTable));
        // Attachments live in the data folder unless set elsewhere (a larger volume); never under a web root.
        services.AddOptions<AttachmentOptions>().PostConfigure<DatabaseSettings>((options, settings) =>
            options.Directory = Path.GetFullPath(string.IsNullOrWhiteSpace(options.Directory)
                ? Path.Combine(settings.DataDirectory, "attachments")
                : options.Directory));
        // Modules add their policies (Intake: the citizen endpoints); a policy without its own answer still gets a 429.
        services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);

        services.AddLiveConsole(configuration);
        services.AddHotlineTelemetry(configuration); // OTLP export of the metrics, when Hotline:Telemetry:OtlpEndpoint is set

        AddStaffSignIn(services);
        services.AddAuthorization();
        services.AddHotlineProblemDetails();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All));
        services.AddOpenApi();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            o.AddServerHeader = false;
        });

        var app = builder.Build();
        app.UseSecurityHeaders(); // first: every response, errors included
        app.UseCorrelationId();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealth();
        app.MapOpenApi();
        app.MapGroup("/api/auth").WithTags("登录").MapAuth();
        app.MapGroup("/api/admin").WithTags("系统管理").RequireAuthorization(p => p.RequireRole(Routing.Tickets.StaffRoles.Admin))
            .MapStaffAdmin();
        app.MapRoutingEndpoints();
        app.MapKnowledgeEndpoints([.. Enum.GetValues<Routing.Tickets.StaffRole>().Select(Routing.Tickets.StaffRoles.NameOf)],
            Intake.Web.CitizenSearchRateLimitPolicy.Name);
        app.MapIntakeEndpoints();
        app.MapFeedbackEndpoints(Intake.Web.CitizenIpRateLimitPolicy.Name);
        app.MapAssessmentEndpoints();
        app.MapPublicSummary(Intake.Web.CitizenIpRateLimitPolicy.Name);
        app.MapLiveConsole();
        app.UseWebConsole(); // last: its fallback answers only paths no endpoint claimed
        return app;
    }

    /// <summary>How often a signed-in session is checked against its account (stopped, password reset).</summary>
    public static readonly TimeSpan SessionCheckInterval = TimeSpan.FromMinutes(1);

    private static void AddStaffSignIn(IServiceCollection services)
    {
        services.AddIdentityCore<StaffUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<HostDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<StaffClaimsFactory>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "hotline.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12); // one shift
            cookie.SlidingExpiration = true;
            // An API answers 401/403 with a problem; it never redirects to a login page.
            cookie.Events.OnRedirectToLogin = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden);
        });
        // A session is re-checked against its account this often: a password reset or a stopped account ends the account's
        // other sessions within this time. Identity's default (30 minutes) is too long for someone who left; checking on
        // every request would cost a database lookup and a fresh cookie on each staff request.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = SessionCheckInterval);
        // Keys that protect the sign-in cookie live in the data folder, so sign-ins survive a restart.
        services.AddOptions<KeyManagementOptions>().Configure<DatabaseSettings, ILoggerFactory>((options, settings, logs) =>
            options.XmlRepository = new FileSystemXmlRepository(
                Directory.CreateDirectory(Path.Combine(settings.DataDirectory, "keys")), logs));
    }

    private static async Task WriteProblemAsync(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http });
    }
}
