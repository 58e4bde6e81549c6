using Hotline.Host;
using Hotline.Host.Cli;

// `hotline calendar …` and other verbs run a command and exit; anything else starts the server (and passes --urls etc. on).
if (CommandLine.Handles(args))
{
    return await CommandLine.RunAsync(args);
}
var app = HotlineApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' <c>WebApplicationFactory</c>.</summary>
public partial class Program;
