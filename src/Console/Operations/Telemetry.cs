using Hotline.Routing.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Hotline.Host.Operations;

/// <summary>
/// Exports the "Hotline" meter (and ASP.NET Core's request and Kestrel meters) over OTLP when <c>Hotline:Telemetry:OtlpEndpoint</c>
/// is set; otherwise nothing is registered and the meters are still readable in-process (<c>dotnet-counters</c>, a MeterListener).
/// The exporter comes from OpenTelemetry.Exporter.OpenTelemetryProtocol; OpenTelemetry.Extensions.Hosting is not in this
/// registry, so the meter provider is built with the SDK and owned by the container (disposed, and so flushed, at shutdown).
/// </summary>
public static class Telemetry
{
    public const string Section = "Hotline:Telemetry";

    public static IServiceCollection AddHotlineTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var endpointText = configuration[$"{Section}:OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpointText))
        {
            return services;
        }
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{Section}:OtlpEndpoint must be an http(s) URL, e.g. http://collector:4317 (gRPC) or http://collector:4318 (HTTP).");
        }
        var protocol = configuration[$"{Section}:OtlpProtocol"] is { Length: > 0 } p ? p.ToLowerInvariant() : "grpc";
        if (protocol is not ("grpc" or "http"))
        {
            throw new InvalidOperationException($"{Section}:OtlpProtocol is '{protocol}'; use grpc (default, port 4317) or http (protobuf over HTTP, port 4318).");
        }
        var intervalSeconds = configuration.GetValue($"{Section}:ExportIntervalSeconds", 60);
        if (intervalSeconds is < 1 or > 3600)
        {
            throw new InvalidOperationException($"{Section}:ExportIntervalSeconds must be between 1 and 3600.");
        }
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService("hotline"))
            .AddMeter(HotlineMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddOtlpExporter((exporter, reader) =>
            {
                // For HTTP the signal's path is part of the URL; an endpoint given as the collector's base gets /v1/metrics.
                exporter.Protocol = protocol == "http" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                exporter.Endpoint = protocol == "http" && endpoint.AbsolutePath is "/" or ""
                    ? new Uri(endpoint, "v1/metrics")
                    : endpoint;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = intervalSeconds * 1000;
            })
            .Build());
        services.AddHostedService<MeterProviderStarter>();
        return services;
    }

    /// <summary>Creates the meter provider when the host starts, so measurements are collected from the first request.</summary>
    private sealed class MeterProviderStarter(MeterProvider provider) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(provider);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
