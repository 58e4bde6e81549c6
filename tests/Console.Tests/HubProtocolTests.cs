using System.Text;
using System.Text.Json;
using Hotline.Host.Live;

namespace Hotline.Console.Tests;

/// <summary>The test client's reading and writing of the JSON hub protocol, against the frames recorded from its owners.</summary>
public sealed class HubProtocolTests
{
    private static readonly string Fixtures = FindFixtures();

    [Fact]
    public void HandshakeRequest_IsTheRecordedBytes() =>
        Assert.Equal(File.ReadAllBytes(Path.Combine(Fixtures, "wire", "handshake.request.json.rs")), HubProtocol.HandshakeRequest());

    [Fact]
    public void Ping_IsTheRecordedBytes() =>
        Assert.Equal(File.ReadAllBytes(Path.Combine(Fixtures, "wire", "ping.rs")), HubProtocol.PingFrame());

    [Fact]
    public void HandshakeResponses_ReadAsTheOfficialParserReadsThem()
    {
        var success = File.ReadAllBytes(Path.Combine(Fixtures, "wire", "handshake.response.success.rs")).ToList();
        Assert.Null(HubProtocol.ReadHandshakeResponse(Assert.Single(HubProtocol.TakeRecords(success))));

        using var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "handshake-vectors.json")));
        foreach (var vector in vectors.RootElement.GetProperty("handshake_response_valid").EnumerateArray())
        {
            var record = Record(vector.GetProperty("payload").GetString()!);
            if (vector.TryGetProperty("error", out var expected)) // the minorVersion vectors state no error
            {
                Assert.Equal(expected.GetString(), HubProtocol.ReadHandshakeResponse(record));
            }
        }
        foreach (var vector in vectors.RootElement.GetProperty("handshake_response_invalid").EnumerateArray())
        {
            var record = Record(vector.GetProperty("payload").GetString()!);
            var error = Assert.Throws<InvalidDataException>(() => HubProtocol.ReadHandshakeResponse(record));
            Assert.Equal(vector.GetProperty("error").GetString(), error.Message);
        }
    }

    [Fact]
    public void Records_AreSplitOnTheSeparator_AndAnIncompleteTailWaits()
    {
        var buffer = Encoding.UTF8.GetBytes("{\"type\":6}\u001e{\"type\":1,\"target\":\"A\",\"arguments\":[]}\u001e42").ToList();
        var records = HubProtocol.TakeRecords(buffer);
        Assert.Equal(["{\"type\":6}", "{\"type\":1,\"target\":\"A\",\"arguments\":[]}"], records);
        Assert.Equal("42", Encoding.UTF8.GetString([.. buffer]));
        Assert.Empty(HubProtocol.TakeRecords(buffer));
    }

    [Fact]
    public void RecordedInvocationsAndCompletions_Parse()
    {
        var blocking = HubMessage.Parse(Frame("invocation.type1.json"));
        Assert.Equal((HubProtocol.Invocation, "123", "Send"), (blocking.Type, blocking.InvocationId, blocking.Target));
        Assert.Equal(42, blocking.Arguments[0].GetInt32());
        Assert.Equal("Test Message", blocking.Arguments[1].GetString());
        Assert.Null(HubMessage.Parse(Frame("invocation.type1.non-blocking.json")).InvocationId);
        Assert.Equal("Send", HubMessage.Parse(Frame("invocation.type1.with-headers.json")).Target);

        var failed = HubMessage.Parse(Frame("completion.type3.error.json"));
        Assert.Equal((HubProtocol.Completion, "123", "It didn't work!"), (failed.Type, failed.InvocationId, failed.Error));
        Assert.Equal(42, HubMessage.Parse(Frame("completion.type3.result.json")).Result!.Value.GetInt32());
        var close = HubMessage.Parse(Frame("close.type7.error.json"));
        Assert.Equal((HubProtocol.Close, "Connection closed because of an error!"), (close.Type, close.Error));
    }

    [Fact]
    public void InvocationFrame_HasTheSpecShape()
    {
        var frame = HubProtocol.InvocationFrame("123", "Send", [42, "Test Message"]);
        Assert.Equal(HubProtocol.RecordSeparator, frame[^1]);
        using var written = JsonDocument.Parse(frame.AsMemory(0, frame.Length - 1));
        using var recorded = JsonDocument.Parse(Frame("invocation.type1.json"));
        Assert.True(JsonElement.DeepEquals(recorded.RootElement, written.RootElement), Encoding.UTF8.GetString(frame));
    }

    private static string Record(string payload) => payload.TrimEnd('\u001e');

    private static string Frame(string name) => File.ReadAllText(Path.Combine(Fixtures, "frames", name));

    private static string FindFixtures()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hotline.sln")))
        {
            directory = directory.Parent;
        }
        var folder = directory is null ? null : Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", "signalr"));
        return folder is not null && Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"The SignalR fixtures are missing: expected ../shared/fixtures/signalr beside the repository.");
    }
}
