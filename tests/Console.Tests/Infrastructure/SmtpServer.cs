using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>
/// A real SMTP server on loopback: Debian's aiosmtpd, storing what it receives in a Maildir the test reads. tests/run.sh installs
/// python3-aiosmtpd; without it these tests are reported as skipped, never silently passed.
/// </summary>
public sealed partial class SmtpServer : IAsyncDisposable
{
    private readonly string _maildir;
    private Process? _process;

    private SmtpServer(int port, string maildir)
    {
        Port = port;
        _maildir = maildir;
    }

    public int Port { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        var check = Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import aiosmtpd\"") { RedirectStandardError = true });
        await check!.WaitForExitAsync();
        if (check.ExitCode != 0)
        {
            Assert.Skip("python3-aiosmtpd is not installed (tests/run.sh installs it).");
        }
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        // aiosmtpd creates the Maildir (with tmp/new/cur) only when the folder does not exist yet.
        var server = new SmtpServer(port, Path.Combine(Directory.CreateTempSubdirectory("hotline-maildir-").FullName, "mail"));
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", _maildir })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("aiosmtpd did not start listening within 10 seconds.");
    }

    public async Task StopProcessAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The messages received so far, decoded.</summary>
    public IReadOnlyList<ReceivedMail> Received
    {
        get
        {
            var folder = Path.Combine(_maildir, "new");
            return Directory.Exists(folder) ? [.. Directory.GetFiles(folder).Select(f => ReceivedMail.Parse(File.ReadAllText(f)))] : [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_maildir)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A received message: its headers and decoded subject and body.</summary>
public sealed partial record ReceivedMail(IReadOnlyDictionary<string, string> Headers, string Subject, string Body)
{
    public string To => Headers.GetValueOrDefault("To", "");

    public static ReceivedMail Parse(string raw)
    {
        var split = raw.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", 2);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in split[0].Split('\n'))
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                headers[last!] += line.Trim();
            }
            else if (line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
            {
                last = line[..colon];
                headers[last] = line[(colon + 1)..].Trim();
            }
        }
        var body = split.Length > 1 ? split[1] : "";
        body = headers.GetValueOrDefault("Content-Transfer-Encoding", "").ToLowerInvariant() switch
        {
            "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n')))),
            "quoted-printable" => DecodeQuotedPrintable(body),
            _ => body,
        };
        return new ReceivedMail(headers, DecodeHeader(headers.GetValueOrDefault("Subject", "")), body);
    }

    private static string DecodeHeader(string value) => EncodedWord().Replace(value, m =>
        m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[3].Value))
            : DecodeQuotedPrintable(m.Groups[3].Value.Replace('_', ' '))).Replace("?= =?", "", StringComparison.Ordinal);

    private static string DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        var joined = text.Replace("=\n", "", StringComparison.Ordinal);
        for (var i = 0; i < joined.Length; i++)
        {
            if (joined[i] == '=' && i + 2 < joined.Length && Uri.IsHexDigit(joined[i + 1]) && Uri.IsHexDigit(joined[i + 2]))
            {
                bytes.Add(Convert.ToByte(joined.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(joined[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWord();
}
