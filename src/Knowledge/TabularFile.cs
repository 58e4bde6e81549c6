using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Hotline.Knowledge;

/// <summary>The two file shapes operators import and export: JSON Lines and CSV (with a header row).</summary>
public enum TabularFormat
{
    JsonLines,
    Csv,
}

/// <summary>
/// One record of an imported file: its line number (for messages) and its fields by name (a missing field is absent), or, for a
/// JSON line that cannot be read, the <paramref name="Error"/> that says why, so an import can list every bad line at once.
/// </summary>
public sealed record TabularRow(int Line, IReadOnlyDictionary<string, string?> Fields, string? Error = null)
{
    /// <summary>The field's value, trimmed; null when missing or blank.</summary>
    public string? Get(string name) => Fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

/// <summary>
/// Reads and writes the record files of the import and export endpoints (knowledge articles, historical tickets), so both
/// formats behave the same everywhere: JSON Lines (one object per line; strings, numbers, booleans, and arrays of strings, which
/// are joined with commas) and CSV as Excel writes it (a header row, RFC 4180 quoting, UTF-8 with or without a BOM). CSV is read
/// and written by CsvHelper; exports start with a BOM so Excel opens Chinese text correctly.
/// </summary>
public static class TabularFile
{
    public const string JsonLinesMediaType = "application/x-ndjson";
    public const string CsvMediaType = "text/csv";

    /// <summary>The format a request's content type names, or null for anything else.</summary>
    public static TabularFormat? FormatOf(string? contentType)
    {
        var media = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            JsonLinesMediaType or "application/jsonl" or "application/x-jsonlines" or "application/jsonlines" => TabularFormat.JsonLines,
            CsvMediaType or "application/csv" => TabularFormat.Csv,
            _ => null,
        };
    }

    /// <summary>The format a query's <c>format</c> parameter names (jsonl or csv), or null.</summary>
    public static TabularFormat? FormatNamed(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "jsonl" or "ndjson" => TabularFormat.JsonLines,
        "csv" => TabularFormat.Csv,
        _ => null,
    };

    /// <summary>
    /// The records of <paramref name="stream"/>, in order; blank lines are skipped. A JSON line that is not an object of simple
    /// values comes back with its <see cref="TabularRow.Error"/> and reading goes on.
    /// </summary>
    /// <exception cref="DataFileException">The CSV is malformed (reading cannot go on past it).</exception>
    public static IAsyncEnumerable<TabularRow> ReadAsync(Stream stream, TabularFormat format, CancellationToken ct = default) =>
        format == TabularFormat.Csv ? ReadCsvAsync(stream, ct) : ReadJsonLinesAsync(stream, ct);

    private static async IAsyncEnumerable<TabularRow> ReadJsonLinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var number = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            TabularRow row;
            try
            {
                row = new TabularRow(number, ParseJsonLine(line, number));
            }
            catch (DataFileException e)
            {
                row = new TabularRow(number, new Dictionary<string, string?>(), e.Message);
            }
            yield return row;
        }
    }

    private static Dictionary<string, string?> ParseJsonLine(string line, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DataFileException($"第 {number} 行应为 JSON 对象。");
            }
            var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Array when property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                        string.Join(",", property.Value.EnumerateArray().Select(e => e.GetString())),
                    _ => throw new DataFileException($"第 {number} 行的字段「{property.Name}」应为文字、数字或文字列表。"),
                };
            }
            return fields;
        }
        catch (JsonException e)
        {
            throw new DataFileException($"第 {number} 行不是合法的 JSON：{e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // GetString refuses text that is not valid UTF-16 once unescaped (a lone "\ud800"): a bad line, not a server error.
            throw new DataFileException($"第 {number} 行含有无法识别的字符（如不成对的 \\u 转义）。", e);
        }
    }

    private static async IAsyncEnumerable<TabularRow> ReadCsvAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct)
    {
        // The StreamReader drops a byte-order mark, which Excel writes and which would otherwise stick to the first column's name.
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            Separator = ',',
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // checked below, with a message that names the line
        };
        await using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        while (true)
        {
            TabularRow row;
            try
            {
                if (!await csv.ReadAsync(ct))
                {
                    yield break;
                }
                row = Row(csv);
            }
            catch (CsvFormatException e)
            {
                throw new DataFileException($"CSV 格式有误：{e.Message}", e);
            }
            if (row.Fields.Count > 0)
            {
                yield return row;
            }
        }
    }

    private static TabularRow Row(CsvReader csv)
    {
        var line = (int)csv.LineNumber;
        var header = csv.Headers;
        if (csv.FieldCount > header.Count)
        {
            throw new DataFileException($"第 {line} 行有 {csv.FieldCount} 列，多于表头的 {header.Count} 列（含逗号的内容请加英文双引号）。");
        }
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var blank = true;
        for (var i = 0; i < header.Count; i++)
        {
            var value = i < csv.FieldCount ? UnguardFormula(csv.GetString(i)) : null;
            blank &= string.IsNullOrWhiteSpace(value);
            fields[header[i].Trim()] = value;
        }
        return new TabularRow(line, blank ? new Dictionary<string, string?>() : fields);
    }

    /// <summary>Writes <paramref name="rows"/> (each with the <paramref name="columns"/>, in order) in the chosen format.</summary>
    public static async Task WriteAsync(Stream stream, TabularFormat format, IReadOnlyList<string> columns,
        IAsyncEnumerable<IReadOnlyList<string?>> rows, CancellationToken ct = default)
    {
        if (format == TabularFormat.Csv)
        {
            // The BOM is what makes Excel read the file as UTF-8 rather than the system's ANSI code page (GBK on Chinese Windows).
            // Cells that Excel would run as formulas (= + - @ first) get a leading apostrophe (CSV injection); see UnguardFormula.
            var options = new CsvWriterOptions { WriteByteOrderMark = true, Injection = CsvInjection.Escape, NewLine = "\r\n" };
            await using var csv = CsvWriter.Create(stream, options, leaveOpen: true);
            csv.WriteHeader([.. columns]);
            await foreach (var row in rows.WithCancellation(ct))
            {
                csv.WriteRecord([.. row.Select(v => v is null ? "" : LooksGuarded(v) ? "'" + v : v)]);
            }
            await csv.FlushAsync(ct);
            return;
        }
        await using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true))
        {
            await foreach (var row in rows.WithCancellation(ct))
            {
                var line = new Dictionary<string, string?>();
                for (var i = 0; i < columns.Count; i++)
                {
                    line[columns[i]] = row[i];
                }
                await writer.WriteAsync(JsonSerializer.Serialize(line, JsonLinesOptions));
                await writer.WriteAsync('\n');
            }
        }
    }

    /// <summary>
    /// Exports escape a cell Excel would run as a formula (starting with = + - @, a tab or a carriage return) with a leading
    /// apostrophe, so a citizen's or editor's text never runs as one when a supervisor opens the file (CSV injection). The
    /// apostrophe is removed again on import, so an exported file imports back unchanged.
    /// A text that itself begins with apostrophes before such a character (<c>'=A1</c>, as someone typed it) gets one more on
    /// export, so removing one on import gives it back as it was.
    /// </summary>
    internal static string UnguardFormula(string value) => LooksGuarded(value) ? value[1..] : value;

    /// <summary>One or more apostrophes, then a character Excel would start a formula with.</summary>
    private static bool LooksGuarded(string value)
    {
        var first = 0;
        while (first < value.Length && value[first] == '\'')
        {
            first++;
        }
        return first > 0 && first < value.Length && value[first] is '=' or '+' or '-' or '@' or '\t' or '\r';
    }

    // Chinese stays readable in the file (no \uXXXX escapes); the writer is UTF-8.
    private static readonly JsonSerializerOptions JsonLinesOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

/// <summary>Raises the request-body limit for one endpoint (the host's default is 1 MB): the file imports need more.</summary>
public sealed record RequestBodyLimit(long? MaxRequestBodySize) : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata;
