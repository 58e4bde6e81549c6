using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Hotline.Console.Tests.Infrastructure;

namespace Hotline.Console.Tests;

/// <summary>
/// Photos and PDFs on citizen submissions (multipart), judged by their bytes and stored by hash; and the staff download, only
/// for those who may see the ticket. Limits are lowered here (3 files of 2 MB) so refusals need no large bodies.
/// </summary>
public sealed class AttachmentTests : HostTest
{
    private const int MaxFileBytes = 2 * 1024 * 1024;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Hotline:Attachments:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hotline:Attachments:MaxFiles"] = "3",
    };

    private string Store => Path.Combine(Database.DataDirectory, "attachments");

    [Fact]
    public async Task Multipart_WithPhotoAndPdf_CreatesTheTicket_AndStoresEachFileByItsHash()
    {
        var photo = Files.Png(seed: 1);
        var letter = Files.Pdf("投诉材料");
        var response = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(
            new() { ["address"] = "东湖街道幸福里 3 栋", ["latitude"] = "30.5728", ["longitude"] = "104.0668" },
            ("现场照片.png", photo, "image/png"), ("投诉材料.pdf", letter, "application/pdf")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id");

        var agent = await Host.SignInAsync("agent");
        var ticket = await agent.GetOkAsync($"/api/tickets/{id}");
        var attachments = ticket["attachments"]!.AsArray();
        Assert.Equal(2, attachments.Count);
        AssertAttachment(attachments[0]!, "现场照片.png", "image/png", photo);
        AssertAttachment(attachments[1]!, "投诉材料.pdf", "application/pdf", letter);
        Assert.Equal("东湖街道幸福里 3 栋", ticket.Str("address"));
        Assert.Equal(30.5728, ticket["coordinates"]!["latitude"]!.GetValue<double>());
        Assert.Equal(104.0668, ticket["coordinates"]!["longitude"]!.GetValue<double>());

        Assert.Equal(new[] { Files.Sha256(photo), Files.Sha256(letter) }.Order(StringComparer.Ordinal), StoredHashes());
        Assert.Empty(TemporaryFiles());
        Assert.Equal(photo, await File.ReadAllBytesAsync(StoredPath(Files.Sha256(photo))));
        Assert.Equal(letter, await File.ReadAllBytesAsync(StoredPath(Files.Sha256(letter))));
    }

    [Fact]
    public async Task Multipart_LargerThanTheOneMegabyteJsonLimit_IsAccepted_UpToTheUploadLimit()
    {
        var photo = Files.Jpeg(1_500_000, seed: 2);
        var response = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(null, ("IMG_0001.JPG", photo, "image/jpeg")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(photo, await File.ReadAllBytesAsync(StoredPath(Files.Sha256(photo))));
    }

    [Fact]
    public async Task HeicPhoto_IsRecognisedByItsFileTypeBox()
    {
        var photo = Files.Heic(seed: 3);
        var response = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(null, ("IMG_2024", photo, "application/octet-stream")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id");
        var ticket = await (await Host.SignInAsync("agent")).GetOkAsync($"/api/tickets/{id}");
        AssertAttachment(ticket["attachments"]![0]!, "IMG_2024.heic", "image/heic", photo);
    }

    public static TheoryData<string, HttpStatusCode> RefusedUploads => new()
    {
        { "an executable named photo.jpg", HttpStatusCode.UnsupportedMediaType },
        { "an HTML page named .pdf", HttpStatusCode.UnsupportedMediaType },
        { "an AVIF image named .heic", HttpStatusCode.UnsupportedMediaType },
        { "a good photo alongside an executable", HttpStatusCode.UnsupportedMediaType },
        { "a zero-byte file", HttpStatusCode.BadRequest },
        { "a file one byte over the limit", HttpStatusCode.RequestEntityTooLarge },
        { "four files where three are allowed", HttpStatusCode.BadRequest },
        { "a good photo with a latitude that is not a number", HttpStatusCode.BadRequest },
        { "a good photo with only a longitude", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(RefusedUploads))]
    public async Task RefusedUpload_GetsAChineseProblem_AndWritesNothing(string why, HttpStatusCode status)
    {
        var before = await CountRowsAsync();
        var form = why switch
        {
            "an executable named photo.jpg" => Files.Form(null, ("photo.jpg", Files.Executable(), "image/jpeg")),
            "an HTML page named .pdf" => Files.Form(null, ("证明.pdf", Files.Html(), "application/pdf")),
            "an AVIF image named .heic" => Files.Form(null, ("IMG_0002.heic", Files.Avif(), "image/heic")),
            "a good photo alongside an executable" => Files.Form(null, ("a.png", Files.Png(seed: 4), "image/png"),
                ("b.jpg", Files.Executable(), "image/jpeg")),
            "a zero-byte file" => Files.Form(null, ("empty.jpg", [], "image/jpeg")),
            "a file one byte over the limit" => Files.Form(null, ("big.jpg", Files.Jpeg(MaxFileBytes + 1, seed: 5), "image/jpeg")),
            "four files where three are allowed" => Files.Form(null, [.. Enumerable.Range(10, 4)
                .Select(i => ($"{i}.png", Files.Png(seed: i), "image/png"))]),
            "a good photo with a latitude that is not a number" => Files.Form(new() { ["latitude"] = "北纬30度", ["longitude"] = "104.06" },
                ("a.png", Files.Png(seed: 6), "image/png")),
            "a good photo with only a longitude" => Files.Form(new() { ["longitude"] = "104.06" }, ("a.png", Files.Png(seed: 7), "image/png")),
            _ => throw new ArgumentOutOfRangeException(nameof(why)),
        };
        var response = await Host.Anonymous().PostAsync("/api/citizen/tickets", form);
        var problem = await response.ProblemAsync(status);
        Assert.True(Api.IsChinese(problem.Str("title")), why);
        Assert.True(Api.IsChinese(problem.Str("detail")), why);
        if (status == HttpStatusCode.BadRequest)
        {
            var messages = problem["errors"]!.AsObject().SelectMany(e => e.Value!.AsArray()).Select(m => m!.GetValue<string>()).ToList();
            Assert.NotEmpty(messages);
            Assert.All(messages, m => Assert.True(Api.IsChinese(m), why));
        }
        Assert.Equal(before, await CountRowsAsync());
        Assert.Empty(StoredHashes());
        Assert.Empty(TemporaryFiles());
    }

    [Fact]
    public async Task DisguisedExecutable_IsNamedInTheProblem_AndTheAllowedKindsAreListed()
    {
        var response = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(null, ("photo.jpg", Files.Executable(), "image/jpeg")));
        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("photo.jpg", problem.Str("detail"));
        Assert.Contains("JPEG", problem.Str("detail"));
        Assert.Contains("改文件名无效", problem.Str("detail"));
    }

    [Fact]
    public async Task IdenticalContent_IsStoredOnce_AndBothTicketsReferToIt()
    {
        var photo = Files.Png(seed: 8);
        var first = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(null, ("门口.png", photo, "image/png")));
        var second = await Host.Anonymous().PostAsync("/api/citizen/tickets",
            Files.Form(new() { ["phone"] = "13900001111" }, ("same-photo.png", photo, "image/png")));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal([Files.Sha256(photo)], StoredHashes());
        Assert.Empty(TemporaryFiles());

        var agent = await Host.SignInAsync("agent");
        foreach (var response in new[] { first, second })
        {
            var id = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id");
            var ticket = await agent.GetOkAsync($"/api/tickets/{id}");
            Assert.Equal(Files.Sha256(photo), ticket["attachments"]![0]!.Str("sha256"));
        }
        Assert.Equal(2, (await CountRowsAsync()).Tickets);
    }

    [Fact]
    public async Task IdempotencyKey_ReplaysAMultipartSubmission_AndItsFingerprintCoversTheFiles()
    {
        var photo = Files.Png(seed: 9);
        var other = Files.Png(seed: 10);
        var first = await SubmitWithKeyAsync(Files.Form(null, ("a.png", photo, "image/png")), "upload-1");
        var retry = await SubmitWithKeyAsync(Files.Form(null, ("a.png", photo, "image/png")), "upload-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(JsonNode.Parse(await first.Content.ReadAsStringAsync())!.Str("id"),
            JsonNode.Parse(await retry.Content.ReadAsStringAsync())!.Str("id"));

        // Same key and text, another photo: a different request, refused, and its photo is not kept.
        var changed = await SubmitWithKeyAsync(Files.Form(null, ("a.png", other, "image/png")), "upload-1");
        Assert.True(Api.IsChinese((await changed.ProblemAsync(HttpStatusCode.UnprocessableEntity)).Str("detail")));
        Assert.Equal(1, (await CountRowsAsync()).Tickets);
        Assert.Equal([Files.Sha256(photo)], StoredHashes());
    }

    [Fact]
    public async Task Staff_DownloadTheExactBytes_AsAnAttachment_OfTheDetectedType()
    {
        var photo = Files.Png(seed: 11);
        // A PNG sent under a Windows path and a .jpg name: the path goes, unsafe characters are replaced, the extension fits the bytes.
        var (id, sha256) = await SubmitWithFileAsync(@"C:\Users\李四\..\照片<1>.jpg", photo, "image/jpeg");
        var agent = await Host.SignInAsync("agent");
        var ticket = await agent.GetOkAsync($"/api/tickets/{id}");
        Assert.Equal("照片_1_.png", ticket["attachments"]![0]!.Str("fileName"));

        var download = await agent.GetAsync($"/api/tickets/{id}/attachments/{sha256}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(photo, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("照片_1_.png", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("no-store", download.Headers.CacheControl?.ToString());

        var upperCase = await agent.GetAsync($"/api/tickets/{id}/attachments/{sha256.ToUpperInvariant()}");
        Assert.Equal(HttpStatusCode.OK, upperCase.StatusCode);
    }

    [Fact]
    public async Task Department_DownloadsOnlyFromItsOwnTickets_AndOnlyHashesOnThatTicket()
    {
        var ownPhoto = Files.Jpeg(4096, seed: 12);
        var otherPhoto = Files.Png(seed: 13);
        var (own, ownSha) = await SubmitWithFileAsync("own.jpg", ownPhoto, "image/jpeg");
        var (other, otherSha) = await SubmitWithFileAsync("other.png", otherPhoto, "image/png");
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{own}/dispatch", new { leadDepartmentId = "city-housing" });

        var housing = await Host.SignInAsync("housing");
        var mine = await housing.GetAsync($"/api/tickets/{own}/attachments/{ownSha}");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal(ownPhoto, await mine.Content.ReadAsByteArrayAsync());

        var environment = await CreateDepartmentHandlerAsync("environment", "city-environment");
        var notTheirs = await environment.GetAsync($"/api/tickets/{own}/attachments/{ownSha}");
        Assert.True(Api.IsChinese((await notTheirs.ProblemAsync(HttpStatusCode.NotFound)).Str("detail")));

        // A hash that exists on disk but belongs to another ticket is not reachable through this one, not even for an agent.
        await (await housing.GetAsync($"/api/tickets/{own}/attachments/{otherSha}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await agent.GetAsync($"/api/tickets/{own}/attachments/{otherSha}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await housing.GetAsync($"/api/tickets/{other}/attachments/{otherSha}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await agent.GetAsync($"/api/tickets/{own}/attachments/not-a-hash")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Anonymous_GetsA401_ForAnAttachment()
    {
        var (id, sha256) = await SubmitWithFileAsync("a.png", Files.Png(seed: 14), "image/png");
        var response = await Host.Anonymous().GetAsync($"/api/tickets/{id}/attachments/{sha256}");
        Assert.True(Api.IsChinese((await response.ProblemAsync(HttpStatusCode.Unauthorized)).Str("title")));
    }

    [Fact]
    public async Task Multipart_WithoutFiles_IsAnOrdinarySubmission_AndABrokenFormIsA400()
    {
        var plain = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(new() { ["anonymous"] = "true", ["type"] = "投诉" }));
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);

        var before = await CountRowsAsync();
        var broken = new StringContent("--x\r\nContent-Disposition: form-data; name=\"content\"\r\n\r\n路灯", Encoding.UTF8);
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        var problem = await (await Host.Anonymous().PostAsync("/api/citizen/tickets", broken)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(Api.IsChinese(problem.Str("detail")));
        Assert.Equal(before, await CountRowsAsync());
    }

    private async Task<HttpResponseMessage> SubmitWithKeyAsync(HttpContent form, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/citizen/tickets") { Content = form };
        request.Headers.Add("Idempotency-Key", key);
        return await Host.Anonymous().SendAsync(request);
    }

    private async Task<(string Id, string Sha256)> SubmitWithFileAsync(string fileName, byte[] bytes, string declaredType)
    {
        var response = await Host.Anonymous().PostAsync("/api/citizen/tickets", Files.Form(null, (fileName, bytes, declaredType)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("id"), Files.Sha256(bytes));
    }

    private static void AssertAttachment(JsonNode attachment, string fileName, string contentType, byte[] bytes)
    {
        Assert.Equal(fileName, attachment.Str("fileName"));
        Assert.Equal(contentType, attachment.Str("contentType"));
        Assert.Equal(bytes.Length, attachment["size"]!.GetValue<long>());
        Assert.Equal(Files.Sha256(bytes), attachment.Str("sha256"));
    }

    private string StoredPath(string sha256) => Path.Combine(Store, sha256[..2], sha256[2..4], sha256);

    /// <summary>Every stored file, by name; each must sit at its own hash's path.</summary>
    private string[] StoredHashes()
    {
        if (!Directory.Exists(Store))
        {
            return [];
        }
        var files = Directory.EnumerateFiles(Store, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != "tmp").ToArray();
        Assert.All(files, f => Assert.Equal(StoredPath(Path.GetFileName(f)), f));
        return [.. files.Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
    }

    private string[] TemporaryFiles() =>
        Directory.Exists(Path.Combine(Store, "tmp")) ? Directory.GetFiles(Path.Combine(Store, "tmp")) : [];
}

/// <summary>Real file headers with generated content, and multipart forms as a browser or app sends them.</summary>
internal static class Files
{
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The PNG signature and an IHDR chunk, then bytes that differ by seed.</summary>
    public static byte[] Png(int seed, int size = 2048) => WithHeader(
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, .. "IHDR"u8, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0],
        size, seed);

    /// <summary>A JFIF APP0 segment (FF D8 FF E0 … "JFIF"), then bytes that differ by seed.</summary>
    public static byte[] Jpeg(int size, int seed) => WithHeader(
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF"u8, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00], size, seed);

    /// <summary>An iPhone-style HEIC: ftyp box, major brand heic, compatible mif1 and heic.</summary>
    public static byte[] Heic(int seed) => WithHeader([0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8], 4096, seed);

    /// <summary>An AVIF image: ISO-BMFF like HEIC, but an AV1 brand, which Hotline does not accept.</summary>
    public static byte[] Avif() => WithHeader([0, 0, 0, 0x1C, .. "ftypavif"u8, 0, 0, 0, 0, .. "avifmif1miaf"u8], 4096, 99);

    public static byte[] Pdf(string text) => Encoding.UTF8.GetBytes(
        $"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A DOS/PE executable header ("MZ", the DOS stub message).</summary>
    public static byte[] Executable() => WithHeader([.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF,
        .. "This program cannot be run in DOS mode."u8], 1024, 98);

    public static byte[] Html() => "<!DOCTYPE html><html><body><script>fetch('/api/tickets')</script></body></html>"u8.ToArray();

    /// <summary>A submission form: content and phone by default, <paramref name="fields"/> added or overriding; files under "files".</summary>
    public static MultipartFormDataContent Form(Dictionary<string, string>? fields, params (string Name, byte[] Bytes, string DeclaredType)[] files)
    {
        var values = new Dictionary<string, string> { ["content"] = "小区门口道路破损，雨天积水严重，照片见附件。", ["phone"] = "13812345678" };
        foreach (var (key, value) in fields ?? [])
        {
            values[key] = value;
        }
        var form = new MultipartFormDataContent();
        foreach (var (key, value) in values)
        {
            form.Add(new StringContent(value, Encoding.UTF8), key);
        }
        foreach (var (name, bytes, declaredType) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(declaredType);
            form.Add(part, "files", name);
        }
        return form;
    }

    private static byte[] WithHeader(byte[] header, int size, int seed)
    {
        var bytes = new byte[Math.Max(size, header.Length)];
        new Random(seed).NextBytes(bytes);
        header.CopyTo(bytes, 0);
        return bytes;
    }
}
