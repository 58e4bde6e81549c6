using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline.Routing.Llm;

/// <summary>Registration of the optional LLM member of the routing ensemble (called by <see cref="RoutingModule.AddRouting"/>).</summary>
public static class LlmRouting
{
    /// <summary>The named <see cref="HttpClient"/> the chat client uses.</summary>
    public const string HttpClientName = "Hotline.Llm";

    /// <summary>
    /// Binds and validates <c>Hotline:Llm</c> (half set fails start-up); when an endpoint and a model are set, registers an
    /// <see cref="IChatClient"/> (<see cref="OpenAiCompatibleChatClient"/>, unless the host registered another first), the
    /// <see cref="LlmCircuitBreaker"/> and the <see cref="LlmRoutingAdvisor"/>. Otherwise registers neither, so a consumer that
    /// takes <c>LlmRoutingAdvisor? advisor = null</c> gets null and nothing ever calls a model.
    /// </summary>
    public static IServiceCollection AddLlmRouting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(LlmOptions.SectionName);
        services.AddOptions<LlmOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidation>());
        if (!(section.Get<LlmOptions>() ?? new LlmOptions()).IsConfigured)
        {
            return services;
        }
        services.AddHttpClient(HttpClientName, (sp, http) =>
            // A backstop only: the advisor cancels at TimeoutSeconds itself.
            http.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<LlmOptions>>().Value.TimeoutSeconds + 5));
        services.TryAddTransient<IChatClient>(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            return new OpenAiCompatibleChatClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                new Uri(settings.Endpoint!), settings.Model!, settings.ApiKey);
        });
        services.TryAddSingleton<LlmCircuitBreaker>();
        services.TryAddScoped<LlmRoutingAdvisor>();
        return services;
    }

    /// <summary>Whether the LLM is on; the host may say so at start-up.</summary>
    public static bool IsConfigured(IServiceProvider services) =>
        services.GetRequiredService<IOptions<LlmOptions>>().Value.IsConfigured;

    /// <summary>Start-up fails with each problem spelled out (<see cref="LlmOptions.Validate"/>).</summary>
    private sealed class LlmOptionsValidation : IValidateOptions<LlmOptions>
    {
        public ValidateOptionsResult Validate(string? name, LlmOptions options)
        {
            var problems = options.Validate().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
