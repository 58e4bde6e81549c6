using Hotline.Intake.Attachments;
using Hotline.Intake.Citizens;
using Hotline.Intake.Duplicates;
using Hotline.Intake.Email;
using Hotline.Intake.Notifications;
using Hotline.Intake.Sms;
using Hotline.Intake.Storage;
using Hotline.Intake.Twilio;
using Hotline.Intake.Voice;
using Hotline.Intake.Web;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Intake;

/// <summary>
/// Intake's public surface: every channel a contact arrives on — the web form and app API (<c>/api/citizen</c>, with
/// attachments and rate limits), the agent's registration of a call (<c>POST /api/tickets</c>), Twilio's SMS webhooks — the
/// texts that go back to citizens, and the staff download of attachments. The host must call <c>UseRateLimiter</c> and set
/// <see cref="AttachmentOptions.Directory"/> (it owns the data folder).
/// </summary>
public static class IntakeModule
{
    /// <summary>Registers Intake; <paramref name="configureDatabase"/> points its context at the host's database.</summary>
    public static IServiceCollection AddIntake(this IServiceCollection services, IConfiguration configuration,
        Action<IServiceProvider, DbContextOptionsBuilder> configureDatabase)
    {
        services.AddDbContext<IntakeDbContext>(configureDatabase);
        services.AddOptions<SmsOptions>().Bind(configuration.GetSection("Hotline:Sms")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.SectionName))
            .Validate(o => !o.Validate().Any(), $"{TwilioOptions.SectionName} is invalid or only partly set.").ValidateOnStart();
        services.AddOptions<AttachmentOptions>().Bind(configuration.GetSection(AttachmentOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CitizenRateLimitOptions>().Bind(configuration.GetSection(CitizenRateLimitOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AttachmentStore>();
        services.AddSingleton<CitizenPhoneLimiter>();
        services.AddScoped<CitizenSubmissionHandler>();
        services.AddRateLimiter(o => o.AddPolicy<string, CitizenIpRateLimitPolicy>(CitizenIpRateLimitPolicy.Name)
            .AddPolicy<string, CitizenSearchRateLimitPolicy>(CitizenSearchRateLimitPolicy.Name));
        services.AddHttpClient<ITwilioMessaging, TwilioRestClient>(http => http.Timeout = TwilioOptions.RequestTimeout);
        services.AddScoped<MessageTemplates>();
        services.AddScoped<InboundSmsHandler>();
        services.AddScoped<CallDesk>();
        services.AddOptions<DuplicateOptions>().Bind(configuration.GetSection(DuplicateOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IOutboxHandler, CitizenNotifier>();
        services.AddSingleton<IOutboxHandler, RectificationNotifier>();
        services.AddSingleton<IOutboxHandler, CitizenDirectory>();
        services.AddSingleton<IOutboxHandler, OutboundSmsSender>();
        services.AddOptions<SmtpOptions>().Bind(configuration.GetSection("Hotline:Smtp")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IMailSender, SmtpMailSender>();
        services.AddScoped<EmailComposer>();
        services.AddSingleton<IOutboxHandler, DepartmentMailer>();
        services.AddSingleton<IOutboxHandler, EmailSender>();
        services.AddSingleton<DeadlineReminder>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineReminder>());
        return services;
    }

    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/citizen").WithTags("市民服务").AllowAnonymous()
            .RequireRateLimiting(CitizenIpRateLimitPolicy.Name)
            .MapCitizenTickets();
        app.MapGroup("/api/tickets").WithTags("工单")
            .RequireAuthorization(p => p.RequireRole([.. Enum.GetValues<StaffRole>().Select(StaffRoles.NameOf)]))
            .MapAgentIntake()
            .MapAttachmentDownload();
        app.MapGroup("/api").WithTags("来电").RequireAuthorization(p => p.RequireRole([.. Enum.GetValues<StaffRole>().Select(StaffRoles.NameOf)]))
            .MapCalls()
            .MapCitizenHistory()
            .MapDuplicates();
        app.MapGroup("/api/admin").WithTags("系统管理").RequireAuthorization(p => p.RequireRole(StaffRoles.Admin)).MapTemplateAdmin();
        app.MapTrackingPage();
        app.MapSmsWebhooks();
        app.MapVoiceWebhooks();
        return app;
    }

    /// <summary>Whether the SMS and voice channels are on; the host says so at start-up.</summary>
    public static bool TwilioConfigured(IServiceProvider services) => services.GetRequiredService<IOptions<TwilioOptions>>().Value.IsConfigured;

    /// <summary>Whether departments can be e-mailed; the host says so at start-up.</summary>
    public static bool SmtpConfigured(IServiceProvider services) => services.GetRequiredService<IOptions<SmtpOptions>>().Value.IsConfigured;
}
