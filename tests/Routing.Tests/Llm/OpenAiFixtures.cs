using System.Text.Json;

namespace Hotline.Routing.Tests.Llm;

/// <summary>
/// The recorded Chat Completions exchanges in <c>../shared/fixtures/openai</c> beside the repository (found by walking up from
/// the test binaries to the folder holding <c>Hotline.sln</c>). Read at test time and never copied into the repository.
/// </summary>
internal static class OpenAiFixtures
{
    private static readonly Lazy<string> FolderPath = new(FindFolder);

    public static string Folder => FolderPath.Value;

    public static string Read(string file) => File.ReadAllText(Path.Combine(Folder, file));

    public static JsonElement Json(string file)
    {
        using var document = JsonDocument.Parse(Read(file));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// A real response envelope (the strict json_schema one: id, model, usage…) whose <c>choices[0].message.content</c> is
    /// replaced by <paramref name="content"/>: what a server would send back to the routing advisor.
    /// </summary>
    public static string WithContent(string content, string file = "chat.completions.json_schema.strict.response.200.json")
    {
        var response = System.Text.Json.Nodes.JsonNode.Parse(Read(file))!;
        response["choices"]![0]!["message"]!["content"] = content;
        return response.ToJsonString();
    }

    private static string FindFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hotline.sln")))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds Hotline.sln.");
        }
        var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", "openai"));
        return Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"The OpenAI fixtures are missing: expected {folder} beside the repository.");
    }
}
