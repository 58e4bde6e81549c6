using System.Text.Json;

namespace Hotline.Knowledge;

/// <summary>An input file an operator gave (JSONL) that cannot be used; the message names the file and line, in Chinese.</summary>
public sealed class DataFileException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>Reads JSON Lines files (one JSON object per line; blank lines skipped), as the evaluate and import commands take them.</summary>
public static class JsonLines
{
    /// <exception cref="DataFileException">The file is missing, or a line is not a JSON object.</exception>
    public static IEnumerable<(int Line, JsonElement Root)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFileException($"找不到文件 {path}。");
        }
        return ReadExisting(path);
    }

    private static IEnumerable<(int Line, JsonElement Root)> ReadExisting(string path)
    {
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DataFileException($"{path} 第 {number} 行不是合法的 JSON：{e.Message}", e);
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DataFileException($"{path} 第 {number} 行应为 JSON 对象。");
            }
            yield return (number, root);
        }
    }
}
