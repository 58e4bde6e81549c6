using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Intake.Tests.Duplicates;

/// <summary>One real message of the TipDM 2020 board (<c>messages-unlabelled.jsonl</c>); its time is local, read as UTC.</summary>
internal sealed record TipdmMessage(string Id, string Title, string Text, Instant Time);

/// <summary>A hand-judged pair of messages: the same event or matter, or not (labelled-pairs.jsonl, ids only).</summary>
internal sealed record LabelledPair(
    [property: JsonPropertyName("a")] string A,
    [property: JsonPropertyName("b")] string B,
    [property: JsonPropertyName("same")] bool Same);

/// <summary>
/// The real citizen messages in <c>../shared/datasets/tipdm2020/</c> beside the repository (found by walking up from the test
/// binaries to the folder holding <c>Hotline.sln</c>), read at test time and never copied into the repository; and the labels
/// kept in the repository beside this file.
/// </summary>
internal static class TipdmMessages
{
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Lazy<IReadOnlyList<TipdmMessage>> All = new(Load);
    private static readonly LocalDateTimePattern TimePattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu/M/d H:mm:ss");

    public static string DataFile => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "datasets", "tipdm2020",
        "messages-unlabelled.jsonl"));

    /// <summary>All 4,326 messages; skips the calling test, saying why, when the dataset is not beside the repository.</summary>
    public static IReadOnlyList<TipdmMessage> LoadOrSkip()
    {
        if (!File.Exists(DataFile))
        {
            Assert.Skip($"The TipDM 2020 messages are not at {DataFile}; put the shared datasets beside the repository to measure duplicate detection on real data.");
        }
        return All.Value;
    }

    public static IReadOnlyList<LabelledPair> LabelledPairs() =>
        [.. File.ReadLines(Path.Combine(Root.Value, "tests", "Intake.Tests", "Duplicates", "labelled-pairs.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<LabelledPair>(line)!)];

    private static List<TipdmMessage> Load() =>
        [.. File.ReadLines(DataFile).Where(line => line.Length > 0).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var time = TimePattern.Parse(root.GetProperty("time").GetString()!).GetValueOrThrow();
            return new TipdmMessage(root.GetProperty("id").GetString()!, root.GetProperty("title").GetString()!,
                root.GetProperty("text").GetString()!, time.InUtc().ToInstant());
        })];

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hotline.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds Hotline.sln.");
    }
}
