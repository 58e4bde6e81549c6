using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Voice;
using Hotline.Routing.Outbox;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Console.Tests;

/// <summary>The voice channel: real-format Twilio voice webhooks against the running host, and the TwiML it answers.</summary>
public sealed class VoiceTests : TwilioHostTest
{
    private const string CallSid = "CA00000000000000000000000000000001";

    private static Dictionary<string, string> VoiceFields(string callSid = CallSid, string from = "+8613812345678", params (string Key, string Value)[] extra)
    {
        var fields = new Dictionary<string, string>
        {
            ["CallSid"] = callSid,
            ["AccountSid"] = AccountSid,
            ["From"] = from,
            ["To"] = "+8612345000000",
            ["CallStatus"] = "in-progress",
            ["Direction"] = "inbound",
            ["ApiVersion"] = "2010-04-01",
        };
        foreach (var (key, value) in extra)
        {
            fields[key] = value;
        }
        return fields;
    }

    private async Task<XElement> TwiMLAsync(string path, Dictionary<string, string> fields)
    {
        var response = await PostWebhookAsync(path, fields);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    [Fact]
    public async Task IncomingCall_GreetsInMandarin_AndGathersSpeech_AndAnnouncesTheCallerHistory()
    {
        var agent = await Host.SignInAsync("agent");
        await agent.PostOkAsync("/api/tickets", new { content = "上次反映的路灯问题", phone = "13812345678" });

        var twiml = await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields());
        var say = twiml.Element("Say")!;
        Assert.Equal("cmn-CN", say.Attribute("language")?.Value);
        Assert.Equal("Polly.Zhiyu", say.Attribute("voice")?.Value);
        Assert.Contains("12345", say.Value);
        var gather = twiml.Element("Gather")!;
        Assert.Equal("cmn-Hans-CN", gather.Attribute("language")?.Value);
        Assert.Contains("speech", gather.Attribute("input")!.Value);
        Assert.Equal(PublicBase + VoiceWebhooks.RequestPath, gather.Attribute("action")?.Value);
        Assert.Equal(PublicBase + VoiceWebhooks.VoicemailPath, twiml.Element("Redirect")!.Value);

        var ringing = await WithDbAsync((routing, _) => routing.Outbox.SingleAsync(m => m.Topic == CallRinging.Topic));
        var pop = OutboxWriter.Read<CallRinging>(ringing);
        Assert.Equal("138****5678", pop.MaskedPhone);
        Assert.Equal("上次反映的路灯问题", Assert.Single(pop.History).Title);

        // Twilio retrying the same webhook does not ring twice.
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields());
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.Outbox.CountAsync(m => m.Topic == CallRinging.Topic)));
    }

    [Fact]
    public async Task SpokenRequest_IsReadBack_AndConfirmedIntoAPhoneTicket()
    {
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields());
        var readBack = await TwiMLAsync(VoiceWebhooks.RequestPath,
            VoiceFields(extra: [("SpeechResult", "幸福里小区门口的下水道堵了"), ("Confidence", "0.87")]));
        Assert.Contains("幸福里小区门口的下水道堵了", readBack.Element("Say")!.Value);
        Assert.Equal("1", readBack.Element("Gather")!.Attribute("numDigits")?.Value);

        var confirmed = await TwiMLAsync(VoiceWebhooks.ConfirmPath, VoiceFields(extra: [("Digits", "1")]));
        Assert.NotNull(confirmed.Element("Hangup"));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        Assert.Equal(Channel.Phone, ticket.Channel);
        Assert.Equal("幸福里小区门口的下水道堵了", ticket.Content);
        Assert.Equal("+8613812345678", ticket.CitizenPhone);
        Assert.Contains(string.Join(' ', ticket.TrackingCode.ToCharArray()), confirmed.Element("Say")!.Value);

        // A retried confirmation finds the same ticket.
        await TwiMLAsync(VoiceWebhooks.ConfirmPath, VoiceFields(extra: [("Digits", "1")]));
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));

        var agent = await Host.SignInAsync("agent");
        var calls = await agent.GetOkAsync($"/api/tickets/{ticket.Id}/calls");
        Assert.Equal(0.87, calls[0]!["confidence"]!.GetValue<double>());
        Assert.Equal("幸福里小区门口的下水道堵了", calls[0]!.Str("transcript"));
    }

    [Fact]
    public async Task NoSpeech_FallsBackToVoicemail_WithTranscription_AndNothingIsLost()
    {
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields());
        var empty = await TwiMLAsync(VoiceWebhooks.RequestPath, VoiceFields(extra: [("SpeechResult", "")]));
        Assert.Equal(PublicBase + VoiceWebhooks.VoicemailPath, empty.Element("Redirect")!.Value);

        var voicemail = await TwiMLAsync(VoiceWebhooks.VoicemailPath, VoiceFields());
        var record = voicemail.Element("Record")!;
        Assert.Equal("true", record.Attribute("transcribe")?.Value);
        Assert.Equal(PublicBase + VoiceWebhooks.TranscriptionPath, record.Attribute("transcribeCallback")?.Value);
        Assert.Equal(PublicBase + VoiceWebhooks.RecordedPath, record.Attribute("action")?.Value);

        const string recording = "https://api.twilio.com/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Recordings/RE00000000000000000000000000000001";
        await TwiMLAsync(VoiceWebhooks.RecordedPath, VoiceFields(extra: [("RecordingUrl", recording), ("RecordingDuration", "23"), ("Digits", "#")]));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync());
        Assert.Contains(recording, ticket.Content);

        var transcription = VoiceFields(extra: [("TranscriptionSid", "TR00000000000000000000000000000001"), ("TranscriptionText", "我家楼上天天漏水"),
            ("TranscriptionStatus", "completed"), ("RecordingUrl", recording)]);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(VoiceWebhooks.TranscriptionPath, transcription)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(VoiceWebhooks.TranscriptionPath, transcription)).StatusCode);
        var followUps = await WithDbAsync((routing, _) => routing.Timeline.Where(e => e.Kind == TimelineEventKind.FollowUp).ToListAsync());
        Assert.Equal("语音留言转写：我家楼上天天漏水", Assert.Single(followUps).PublicText);
    }

    [Fact]
    public async Task CallEndingBeforeATicket_IsOnTheCallbackList_UntilCalledBack()
    {
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields("CA00000000000000000000000000000009", "+8613900001111"));
        await PostWebhookAsync(VoiceWebhooks.StatusPath, VoiceFields("CA00000000000000000000000000000009", "+8613900001111", ("CallStatus", "completed")));
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields());
        await TwiMLAsync(VoiceWebhooks.RequestPath, VoiceFields(extra: [("SpeechResult", "咨询社保"), ("Confidence", "0.9")]));
        await TwiMLAsync(VoiceWebhooks.ConfirmPath, VoiceFields(extra: [("Digits", "1")]));
        await PostWebhookAsync(VoiceWebhooks.StatusPath, VoiceFields(extra: [("CallStatus", "completed")]));

        var agent = await Host.SignInAsync("agent");
        var missed = await agent.GetOkAsync("/api/calls/missed");
        var only = Assert.Single(missed.AsArray());
        Assert.Equal("+8613900001111", only!.Str("phone"));
        var housing = await Host.SignInAsync("housing");
        await (await housing.GetAsync("/api/calls/missed")).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync("/api/calls/CA00000000000000000000000000000009/called-back", null)).StatusCode);
        Assert.Empty((await agent.GetOkAsync("/api/calls/missed")).AsArray());
    }

    [Fact]
    public async Task KeypadRatingAtTheEndOfACallback_IsRecordedOnce_ForTheTicketsCitizenOnly()
    {
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var created = await agent.PostOkAsync("/api/tickets", new { content = "路面积水", phone = "13812345678" });
        var id = created.Str("id");
        await agent.PostOkAsync($"/api/tickets/{id}/dispatch", new { leadDepartmentId = "city-housing" });
        await housing.PostOkAsync($"/api/tickets/{id}/sign", new { });
        await housing.PostOkAsync($"/api/tickets/{id}/reply", new { reply = "已疏通。" });
        var code = created.Str("trackingCode");

        // The centre's callback call: the citizen is the called party (To).
        var callback = new Dictionary<string, string>
        {
            ["CallSid"] = "CA00000000000000000000000000000077",
            ["AccountSid"] = AccountSid,
            ["From"] = "+8612345000000",
            ["To"] = "+8613812345678",
            ["Direction"] = "outbound-api",
        };
        var prompt = await TwiMLAsync($"{VoiceWebhooks.RatingPath}?ticket={code}", callback);
        Assert.Equal("1", prompt.Element("Gather")!.Attribute("numDigits")?.Value);

        var wrong = await TwiMLAsync($"{VoiceWebhooks.RatingResultPath}?ticket={code}", new Dictionary<string, string>(callback) { ["Digits"] = "9" });
        Assert.NotNull(wrong.Element("Redirect"));
        var stranger = new Dictionary<string, string>(callback) { ["To"] = "+8613900009999", ["Digits"] = "1" };
        Assert.Contains("未能记录", (await TwiMLAsync($"{VoiceWebhooks.RatingResultPath}?ticket={code}", stranger)).Element("Say")!.Value);
        var rated = await TwiMLAsync($"{VoiceWebhooks.RatingResultPath}?ticket={code}", new Dictionary<string, string>(callback) { ["Digits"] = "4" });
        Assert.Contains("感谢您的评价", rated.Element("Say")!.Value);
        await TwiMLAsync($"{VoiceWebhooks.RatingResultPath}?ticket={code}", new Dictionary<string, string>(callback) { ["Digits"] = "1" });

        var ratings = await WithDbAsync((routing, _) => routing.Timeline.Where(e => e.Kind == TimelineEventKind.RatingReceived).ToListAsync());
        Assert.Contains("\"level\":4", Assert.Single(ratings).Data);
    }

    [Fact]
    public async Task ForgedVoiceWebhook_Is403()
    {
        var fields = VoiceFields();
        var request = new HttpRequestMessage(HttpMethod.Post, VoiceWebhooks.IncomingPath) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        await (await Host.Anonymous().SendAsync(request)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await WithDbAsync((_, intake) => intake.Calls.CountAsync()));
    }

    [Fact]
    public async Task WithheldNumbers_AreNobodysHistory()
    {
        foreach (var (sid, from) in new[] { ("CA00000000000000000000000000000041", "+266696687"), ("CA00000000000000000000000000000042", "anonymous") })
        {
            await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields(sid, from));
            await TwiMLAsync(VoiceWebhooks.RequestPath, VoiceFields(sid, from, ("SpeechResult", "噪音扰民"), ("Confidence", "0.8")));
            var confirmed = await TwiMLAsync(VoiceWebhooks.ConfirmPath, VoiceFields(sid, from, ("Digits", "1")));
            Assert.Contains("再说一遍", confirmed.Element("Say")!.Value); // no SMS for a withheld number: the code is read twice
        }
        var pops = await WithDbAsync((routing, _) => routing.Outbox.Where(m => m.Topic == CallRinging.Topic).ToListAsync());
        Assert.All(pops, p => Assert.Empty(OutboxWriter.Read<CallRinging>(p).History));
        Assert.All(pops, p => Assert.Equal("未显示号码", OutboxWriter.Read<CallRinging>(p).MaskedPhone));
        var tickets = await WithDbAsync((routing, _) => routing.Tickets.ToListAsync());
        Assert.Equal(2, tickets.Count);
        Assert.All(tickets, t => Assert.Equal("", t.CitizenPhone));
        var agent = await Host.SignInAsync("agent");
        Assert.Empty((await agent.GetOkAsync($"/api/tickets/{tickets[0].Id}/merge-suggestions")).AsArray());
    }

    [Fact]
    public async Task UnexpectedKey_AtConfirmation_AsksAgain_AndAnEarlyTranscriptIsNotLost()
    {
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields());
        await TwiMLAsync(VoiceWebhooks.RequestPath, VoiceFields(extra: [("SpeechResult", "咨询公积金"), ("Confidence", "0.6")]));
        var again = await TwiMLAsync(VoiceWebhooks.ConfirmPath, VoiceFields(extra: [("Digits", "9")]));
        Assert.NotNull(again.Element("Gather"));
        Assert.Equal(0, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));

        // Voicemail on another call, with the transcription arriving before the recording callback.
        const string sid = "CA00000000000000000000000000000050";
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields(sid));
        await PostWebhookAsync(VoiceWebhooks.TranscriptionPath, VoiceFields(sid, extra: [("TranscriptionText", "楼道灯坏了"), ("TranscriptionStatus", "completed")]));
        await TwiMLAsync(VoiceWebhooks.RecordedPath, VoiceFields(sid, extra: [("RecordingUrl", "https://api.twilio.com/rec/RE1"), ("RecordingDuration", "12")]));
        var ticket = await WithDbAsync((routing, _) => routing.Tickets.SingleAsync(t => t.IntakeKey == "call:" + sid));
        Assert.Contains("楼道灯坏了", ticket.Content);
    }

    [Fact]
    public async Task AgentRegistersTheRingingCall_WithTheCallersNumber_OnceForTheCall_AndItIsNotMissed()
    {
        const string sid = "CA00000000000000000000000000000060";
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields(sid, "+8613912345678"));
        var agent = await Host.SignInAsync("agent");

        // The screen pop shows the number masked; the form sends the call, and the host takes the number from it.
        var created = await agent.PostOkAsync("/api/tickets", new { content = "小区门口路灯不亮", callSid = sid });
        var id = created.Str("id");
        Assert.Equal("139****5678", created["citizen"]!.Str("phone"));
        Assert.Equal("+8613912345678", await WithDbAsync((routing, _) => routing.Tickets.Where(t => t.Id == new TicketId(Guid.Parse(id)))
            .Select(t => t.CitizenPhone).SingleAsync()));
        Assert.Equal(sid, (await agent.GetOkAsync($"/api/tickets/{id}/calls"))[0]!.Str("callSid"));

        // The same call registered again (a double click, a second agent) is the same ticket.
        var again = await agent.PostOkAsync("/api/tickets", new { content = "小区门口路灯不亮", callSid = sid });
        Assert.Equal(id, again.Str("id"));
        Assert.Equal(1, await WithDbAsync((routing, _) => routing.Tickets.CountAsync()));

        // The call ends: it has a ticket, so it is not on the callback list and nobody is told it was missed.
        await PostWebhookAsync(VoiceWebhooks.StatusPath, VoiceFields(sid, "+8613912345678", ("CallStatus", "completed")));
        Assert.Empty((await agent.GetOkAsync("/api/calls/missed")).AsArray());
        Assert.Equal(0, await WithDbAsync((routing, _) => routing.Outbox.CountAsync(m => m.Topic == MissedCallChanged.Topic)));

        var unknown = await (await agent.PostAsJsonAsync("/api/tickets", new { content = "路灯", callSid = "CA0000000000000000000000000000dead" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(unknown["errors"]!["callSid"]);
    }

    [Fact]
    public async Task MissedCall_AndItsCallback_ReachAgentsLive_WithTheNumberMasked_AndNoDepartment()
    {
        const string sid = "CA00000000000000000000000000000061";
        var agent = await Host.SignInAsync("agent");
        var housing = await Host.SignInAsync("housing");
        var start = (await agent.GetOkAsync("/api/console/events"))["latest"]!.GetValue<long>();
        await TwiMLAsync(VoiceWebhooks.IncomingPath, VoiceFields(sid, "+8613900002222"));
        await PostWebhookAsync(VoiceWebhooks.StatusPath, VoiceFields(sid, "+8613900002222", ("CallStatus", "no-answer")));

        JsonNode[] missed = [];
        await WaitUntilAsync(async () =>
        {
            missed = MissedCallEvents(await agent.GetOkAsync($"/api/console/events?after={start}"));
            return missed.Length > 0;
        });
        var data = Assert.Single(missed)["data"]!;
        Assert.Equal(sid, data.Str("callSid"));
        Assert.Equal("139****2222", data.Str("maskedPhone"));
        Assert.Equal("Missed", data.Str("change"));

        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/calls/{sid}/called-back", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsync($"/api/calls/{sid}/called-back", null)).StatusCode);
        await WaitUntilAsync(async () => MissedCallEvents(await agent.GetOkAsync($"/api/console/events?after={start}")).Length == 2);
        var calledBack = MissedCallEvents(await agent.GetOkAsync($"/api/console/events?after={start}"))[1]["data"]!;
        Assert.Equal("CalledBack", calledBack.Str("change"));
        Assert.False(string.IsNullOrEmpty(calledBack.Str("actorName")));
        // Marking twice tells nobody twice; a department never hears of calls.
        Assert.Equal(2, await WithDbAsync((routing, _) => routing.Outbox.CountAsync(m => m.Topic == MissedCallChanged.Topic)));
        Assert.Empty(MissedCallEvents(await housing.GetOkAsync($"/api/console/events?after={start}")));

        static JsonNode[] MissedCallEvents(JsonNode page) =>
            [.. page["events"]!.AsArray().Where(e => e!.Str("method") == "MissedCallChanged").Select(e => e!)];
    }
}
