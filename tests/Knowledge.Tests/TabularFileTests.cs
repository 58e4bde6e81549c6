using System.Text;

namespace Hotline.Knowledge.Tests;

/// <summary>The import/export file shapes: JSON Lines and CSV as Excel writes and reads it.</summary>
public sealed class TabularFileTests
{
    private static async Task<List<TabularRow>> ReadAsync(string text, TabularFormat format)
    {
        var rows = new List<TabularRow>();
        await foreach (var row in TabularFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), format))
        {
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task JsonLines_SimpleValuesBecomeText_AndABadLineIsReportedWithoutStoppingTheRest()
    {
        var rows = await ReadAsync("{\"title\":\"路灯\",\"n\":3,\"ok\":true,\"none\":null,\"keywords\":[\"路灯\",\"照明\"]}\n\nnot json\n[1]\n{\"x\":{\"y\":1}}\n{\"title\":\"末行\"}\n", TabularFormat.JsonLines);

        Assert.Equal([1, 3, 4, 5, 6], rows.Select(r => r.Line));
        Assert.Equal("路灯", rows[0].Get("TITLE")); // field names are matched without regard to case
        Assert.Equal("3", rows[0].Get("n"));
        Assert.Equal("true", rows[0].Get("ok"));
        Assert.Null(rows[0].Get("none"));
        Assert.Equal("路灯,照明", rows[0].Get("keywords"));
        Assert.Contains("第 3 行", rows[1].Error);
        Assert.Contains("JSON 对象", rows[2].Error);
        Assert.Contains("「x」", rows[3].Error);
        Assert.Null(rows[4].Error);
        Assert.Equal("末行", rows[4].Get("title"));
    }

    [Fact]
    public async Task Csv_WithBom_QuotedCommasAndLineBreaks_BlankLinesSkipped_LinesNumberedWhereRecordsStart()
    {
        var rows = await ReadAsync("\uFEFFtitle,body\n\"噪音, 夜间\",\"第一行\n第二行\"\n\n短,\n", TabularFormat.Csv);

        Assert.Equal(2, rows.Count);
        Assert.Equal("噪音, 夜间", rows[0].Get("title")); // the BOM did not stick to the first column's name
        Assert.Equal("第一行\n第二行", rows[0].Get("body"));
        Assert.Equal(2, rows[0].Line);
        Assert.Equal(5, rows[1].Line);
        Assert.Null(rows[1].Get("body"));
    }

    [Fact]
    public async Task Csv_TooManyColumnsOrABrokenQuote_IsAClearError()
    {
        var extra = await Assert.ThrowsAsync<DataFileException>(() => ReadAsync("title,body\na,b,c\n", TabularFormat.Csv));
        Assert.Contains("第 2 行有 3 列", extra.Message);
        var quote = await Assert.ThrowsAsync<DataFileException>(() => ReadAsync("title,body\n\"a\"b,c\n", TabularFormat.Csv));
        Assert.Contains("CSV", quote.Message);
    }

    [Theory]
    [InlineData(TabularFormat.Csv)]
    [InlineData(TabularFormat.JsonLines)]
    public async Task WhatIsWritten_ReadsBackUnchanged_FormulasIncluded(TabularFormat format)
    {
        string?[][] written =
        [
            ["1", "=HYPERLINK(\"http://evil\")", "含逗号, 引号\" 和\n换行"],
            ["2", "-3+4", ""],
            ["3", "@用户", "普通文字"],
            // Typed with their apostrophes: an import must not take them for the export's guard and drop one.
            ["4", "'=A1", "''+86 号码"],
            ["5", "'单引号开头", "'"],
        ];
        var stream = new MemoryStream();
        await TabularFile.WriteAsync(stream, format, ["id", "title", "body"], written.Select(r => (IReadOnlyList<string?>)r).ToAsyncEnumerable());
        var bytes = stream.ToArray();

        var rows = await ReadAsync(Encoding.UTF8.GetString(bytes), format);
        Assert.Equal(written.Select(r => r[1]), rows.Select(r => r.Fields["title"]));
        Assert.Equal(written.Select(r => r[2]), rows.Select(r => r.Fields["body"]));
        if (format == TabularFormat.Csv)
        {
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // Excel needs the BOM to read UTF-8
            var text = Encoding.UTF8.GetString(bytes);
            Assert.Contains("'=HYPERLINK", text); // Excel shows it as text instead of running it
            Assert.StartsWith("\uFEFFid,title,body\r\n", text);
        }
        else
        {
            Assert.Contains("含逗号", Encoding.UTF8.GetString(bytes)); // Chinese is written as it is, not as \u escapes
        }
    }

    [Theory]
    [InlineData("application/x-ndjson", TabularFormat.JsonLines)]
    [InlineData("application/jsonl; charset=utf-8", TabularFormat.JsonLines)]
    [InlineData("text/csv; charset=utf-8", TabularFormat.Csv)]
    [InlineData("application/json", null)]
    [InlineData(null, null)]
    public void ContentTypes_NameTheirFormat(string? contentType, TabularFormat? expected)
    {
        Assert.Equal(expected, TabularFile.FormatOf(contentType));
    }
}
