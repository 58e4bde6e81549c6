using System.Text.Json;

namespace Hotline.Intake.Tests.Twilio;

/// <summary>
/// The Twilio fixtures in <c>../shared/fixtures/twilio</c> beside the repository (found by walking up from the test binaries to
/// the folder holding <c>Hotline.sln</c>). Read at test time and never copied into the repository.
/// </summary>
internal static class TwilioFixtures
{
    private static readonly Lazy<string> FolderPath = new(FindFolder);
    private static readonly Lazy<JsonDocument> VectorsDocument = new(() => JsonDocument.Parse(Read("vectors.json")));

    public static string Folder => FolderPath.Value;

    public static string Read(string file) => File.ReadAllText(Path.Combine(Folder, file));

    /// <summary>The root of vectors.json.</summary>
    public static JsonElement Vectors => VectorsDocument.Value.RootElement;

    /// <summary>The Auth Token every vector is signed with.</summary>
    public static string AuthToken => Vectors.GetProperty("auth_token").GetString()!;

    /// <summary>Keys (<c>category/id</c>) of a category's vectors, for theory data; vectors without an id are keyed by position.</summary>
    public static TheoryData<string> Keys(string category)
    {
        var keys = new TheoryData<string>();
        var index = 0;
        foreach (var vector in Vectors.GetProperty(category).EnumerateArray())
        {
            keys.Add($"{category}/{(vector.TryGetProperty("id", out var id) ? id.GetString() : index.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            index++;
        }
        return keys;
    }

    /// <summary>The vector a key from <see cref="Keys"/> names.</summary>
    public static SignatureVector Vector(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var category = key[..slash];
        var name = key[(slash + 1)..];
        var index = 0;
        foreach (var vector in Vectors.GetProperty(category).EnumerateArray())
        {
            var id = vector.TryGetProperty("id", out var value) ? value.GetString() : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (id == name)
            {
                return SignatureVector.From(key, vector);
            }
            index++;
        }
        throw new KeyNotFoundException($"No vector {key} in {Path.Combine(Folder, "vectors.json")}.");
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
        var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", "twilio"));
        return Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"The Twilio fixtures are missing: expected {folder} beside the repository.");
    }
}

/// <summary>One entry of vectors.json; which fields are set depends on its category.</summary>
internal sealed record SignatureVector(string Key, JsonElement Json)
{
    public string? PresentedUrl => Text("presented_url");
    public string? Signature => Text("signature");
    public string? SignedUrl => Text("signed_url");
    public string? StringToSign => Text("string_to_sign");
    public string? Body => Text("body");
    public string? BodySha256Hex => Text("body_sha256_hex") ?? Text("sha256_hex");
    public string? ClaimedSha256Hex => Text("claimed_sha256_hex");
    public bool ExpectedValid => !Json.TryGetProperty("expected_valid", out var valid) || valid.GetBoolean();

    /// <summary>The POST fields, one pair per value (an array is a multi-valued field; null is kept as null, as a client might send it).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Params
    {
        get
        {
            var pairs = new List<KeyValuePair<string, string>>();
            if (!Json.TryGetProperty("params", out var fields))
            {
                return pairs;
            }
            foreach (var parameter in fields.EnumerateObject())
            {
                var values = parameter.Value.ValueKind == JsonValueKind.Array ? [.. parameter.Value.EnumerateArray()] : new[] { parameter.Value };
                pairs.AddRange(values.Select(v => KeyValuePair.Create(parameter.Name, v.GetString()!)));
            }
            return pairs;
        }
    }

    public static SignatureVector From(string key, JsonElement json) => new(key, json);

    /// <inheritdoc/>
    public override string ToString() => Key;

    private string? Text(string name) => Json.TryGetProperty(name, out var value) ? value.GetString() : null;
}
