using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Hotline.Host.Live;

/// <summary>
/// The parts of ASP.NET Core SignalR's JSON hub protocol a client needs (../shared/fixtures/signalr/protocol-notes.md): every
/// message is one JSON object followed by the record separator 0x1E; the handshake is JSON whatever the hub protocol.
/// Pure functions, checked against the recorded frames.
/// </summary>
public static class HubProtocol
{
    public const byte RecordSeparator = 0x1E;

    public const int Invocation = 1, Completion = 3, Ping = 6, Close = 7;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] HandshakeRequest() => Frame(new { protocol = "json", version = 1 });

    public static byte[] PingFrame() => Frame(new { type = Ping });

    /// <summary>A blocking invocation (the server answers with a Completion carrying the same id).</summary>
    public static byte[] InvocationFrame(string invocationId, string target, object?[] arguments) =>
        Frame(new { type = Invocation, invocationId, target, arguments });

    public static byte[] Frame(object message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        return [.. json, RecordSeparator];
    }

    /// <summary>Takes every complete record out of <paramref name="buffer"/>, leaving an incomplete tail for the next read.</summary>
    public static List<string> TakeRecords(List<byte> buffer)
    {
        var records = new List<string>();
        int end;
        while ((end = buffer.IndexOf(RecordSeparator)) >= 0)
        {
            records.Add(Encoding.UTF8.GetString([.. buffer.GetRange(0, end)]));
            buffer.RemoveRange(0, end + 1);
        }
        return records;
    }

    /// <summary>
    /// Reads a handshake response record (without its separator): null on success, the server's error otherwise. A record that is
    /// not a handshake response throws, as the official parser does.
    /// </summary>
    public static string? ReadHandshakeResponse(string record)
    {
        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Unexpected JSON Token Type '{root.ValueKind}'. Expected a JSON Object.");
        }
        if (!root.TryGetProperty("error", out var error))
        {
            return null;
        }
        return error.ValueKind == JsonValueKind.String
            ? error.GetString()
            : throw new InvalidDataException("Expected 'error' to be of type String.");
    }
}

/// <summary>One message the server sent: its type, and for invocations the target and arguments.</summary>
public sealed record HubMessage(int Type, string? InvocationId, string? Target, JsonElement[] Arguments, JsonElement? Result, string? Error)
{
    public static HubMessage Parse(string record)
    {
        using var document = JsonDocument.Parse(record);
        var root = document.RootElement.Clone();
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new HubMessage(
            root.GetProperty("type").GetInt32(),
            Str("invocationId"),
            Str("target"),
            root.TryGetProperty("arguments", out var args) ? [.. args.EnumerateArray()] : [],
            root.TryGetProperty("result", out var result) ? result : null,
            Str("error"));
    }
}

/// <summary>The server refused an invocation (a HubException's message, or the framework's generic error).</summary>
public sealed class HubInvocationException(string message) : Exception(message);

/// <summary>
/// A small SignalR client over <see cref="ClientWebSocket"/> (the .NET SignalR client is not in this registry): negotiate
/// (version 1), connect the WebSocket with the sign-in cookie, handshake, then collect invocations, answer pings and complete
/// the caller's own invocations. Meant for tests and for <c>hotline bench intake</c> (it lives in the host so both can use
/// it): everything received is kept in order, unless <c>keep</c> is false (a benchmark's thousand connections
/// only report arrivals through <c>arrived</c>).
/// </summary>
public sealed class SignalRJsonClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly List<HubMessage> _invocations = [];
    private readonly Dictionary<string, TaskCompletionSource<HubMessage>> _pending = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private readonly bool _keep;
    private readonly Action<HubMessage>? _onArrival;

    private SignalRJsonClient(ClientWebSocket socket, bool keep, Action<HubMessage>? arrived)
    {
        _socket = socket;
        _keep = keep;
        _onArrival = arrived;
    }

    /// <summary>Why the server closed the connection (a Close message), if it did.</summary>
    public string? CloseError { get; private set; }

    /// <summary>Completes when the connection has ended (the server closed it, or it dropped).</summary>
    public Task Ended => _receiving;

    /// <summary>
    /// Negotiates and connects to <paramref name="hubUrl"/> (e.g. <c>http://127.0.0.1:5080/hubs/console</c>) with the cookies in
    /// <paramref name="cookies"/>. Throws <see cref="HttpRequestException"/> with the status when negotiate is refused.
    /// </summary>
    public static Task<SignalRJsonClient> ConnectAsync(Uri hubUrl, CookieContainer cookies, CancellationToken ct = default) =>
        ConnectAsync(hubUrl, cookies, keep: true, arrived: null, ct);

    /// <summary>As above; <paramref name="keep"/> false keeps nothing and reports each invocation to <paramref name="arrived"/> only.</summary>
    public static async Task<SignalRJsonClient> ConnectAsync(Uri hubUrl, CookieContainer cookies, bool keep, Action<HubMessage>? arrived,
        CancellationToken ct)
    {
        string token;
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, UseCookies = true }))
        {
            var response = await http.PostAsync(new Uri(hubUrl, $"{hubUrl.AbsolutePath}/negotiate?negotiateVersion=1"), null, ct);
            response.EnsureSuccessStatusCode();
            using var negotiation = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (negotiation.RootElement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"Negotiate failed: {error.GetString()}");
            }
            token = negotiation.RootElement.GetProperty("connectionToken").GetString()!;
        }
        var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        var ws = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == "https" ? "wss" : "ws", Query = $"id={Uri.EscapeDataString(token)}" }.Uri;
        await socket.ConnectAsync(ws, ct);
        var client = new SignalRJsonClient(socket, keep, arrived);
        await client.HandshakeAsync(ct);
        return client;
    }

    /// <summary>Calls a hub method and waits for its completion; a refusal throws <see cref="HubInvocationException"/>.</summary>
    public async Task<JsonElement?> InvokeAsync(string target, object?[] arguments, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource<HubMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_pending)
        {
            _pending[id] = completion;
        }
        await SendAsync(HubProtocol.InvocationFrame(id, target, arguments));
        var message = await completion.Task.WaitAsync(timeout);
        return message.Error is { } error ? throw new HubInvocationException(error) : message.Result;
    }

    /// <summary>Every invocation received so far, in order.</summary>
    public IReadOnlyList<HubMessage> Received
    {
        get
        {
            lock (_invocations)
            {
                return [.. _invocations];
            }
        }
    }

    /// <summary>Waits until an invocation matching <paramref name="match"/> has arrived (or throws <see cref="TimeoutException"/>).</summary>
    public async Task<HubMessage> WaitForAsync(Func<HubMessage, bool> match, TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout); // a bound on waiting, not a measurement
        while (true)
        {
            Task arrived;
            lock (_invocations)
            {
                if (_invocations.FirstOrDefault(match) is { } found)
                {
                    return found;
                }
                arrived = _arrived.Task;
            }
            if (bound.IsCancellationRequested || _receiving.IsCompleted)
            {
                throw new TimeoutException($"No matching message within {timeout} (received: {string.Join(", ", Received.Select(m => m.Target))}; close: {CloseError}).");
            }
            try
            {
                await arrived.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                // Look once more, then give up.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            await _receiving;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already gone: nothing to close.
        }
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken ct)
    {
        await SendAsync(HubProtocol.HandshakeRequest());
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            var read = await _socket.ReceiveAsync(chunk, ct);
            if (read.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("The server closed the connection during the handshake.");
            }
            buffer.AddRange(chunk.AsSpan(0, read.Count).ToArray());
            if (HubProtocol.TakeRecords(buffer) is [var response, .. var rest])
            {
                if (HubProtocol.ReadHandshakeResponse(response) is { } error)
                {
                    throw new InvalidOperationException($"Handshake refused: {error}");
                }
                foreach (var record in rest)
                {
                    await HandleAsync(record);
                }
                _receiving = ReceiveLoopAsync(buffer);
                return;
            }
        }
    }

    private async Task ReceiveLoopAsync(List<byte> buffer)
    {
        var chunk = new byte[16 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var read = await _socket.ReceiveAsync(chunk, _stop.Token);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
                buffer.AddRange(chunk.AsSpan(0, read.Count).ToArray());
                foreach (var record in HubProtocol.TakeRecords(buffer))
                {
                    await HandleAsync(record);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The connection ended; waiters see it through _receiving.
        }
        finally
        {
            Signal();
        }
    }

    private async Task HandleAsync(string record)
    {
        var message = HubMessage.Parse(record);
        switch (message.Type)
        {
            case HubProtocol.Invocation:
                _onArrival?.Invoke(message);
                if (!_keep)
                {
                    break;
                }
                lock (_invocations)
                {
                    _invocations.Add(message);
                }
                Signal();
                break;
            case HubProtocol.Completion when message.InvocationId is { } id:
                TaskCompletionSource<HubMessage>? pending;
                lock (_pending)
                {
                    _pending.Remove(id, out pending);
                }
                pending?.TrySetResult(message);
                break;
            case HubProtocol.Ping:
                await SendAsync(HubProtocol.PingFrame());
                break;
            case HubProtocol.Close:
                CloseError = message.Error ?? "";
                break;
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_invocations)
        {
            previous = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }

    private async Task SendAsync(byte[] frame)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
