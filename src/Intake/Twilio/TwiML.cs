using System.Globalization;
using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Intake.Twilio;

/// <summary>
/// Builds the TwiML document a voice or messaging webhook answers with: <c>&lt;Response&gt;</c> and the verbs Hotline's IVR and SMS
/// replies use. Written with <see cref="XmlWriter"/>, so citizen-supplied text is always escaped, never concatenated into markup;
/// characters XML 1.0 cannot carry at all (control characters, lone surrogates) become U+FFFD instead of failing the reply.
/// </summary>
/// <remarks>
/// <c>Say</c> defaults to Mandarin with a voice that speaks it (<see cref="Mandarin"/>): Twilio's defaults are US English, and an
/// invalid voice/language pair can make the whole <c>Say</c> fail. Optional attributes left null are omitted, so Twilio's
/// documented defaults apply.
/// </remarks>
internal sealed class TwiML
{
    /// <summary>The content type to answer a webhook with.</summary>
    public const string ContentType = "application/xml";

    private readonly List<Action<XmlWriter>> _verbs = [];

    /// <summary>Speaks <paramref name="text"/>. Pass null for language or voice to leave the attribute (and Twilio's default) out.</summary>
    public TwiML Say(string text, string? language = Mandarin.SayLanguage, string? voice = Mandarin.Voice, int? loop = null)
    {
        _verbs.Add(SayVerb(text, language, voice, loop));
        return this;
    }

    /// <summary>Collects digits and/or speech, optionally while nested <c>Say</c>s play (<paramref name="prompt"/>).</summary>
    public TwiML Gather(GatherOptions options, Action<GatherPrompt>? prompt = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nested = new GatherPrompt();
        prompt?.Invoke(nested);
        var attributes = options.Attributes();
        _verbs.Add(w =>
        {
            w.WriteStartElement("Gather");
            WriteAttributes(w, attributes);
            nested.WriteTo(w);
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>Records the caller (a voice message: 留言).</summary>
    public TwiML Record(RecordOptions? options = null)
    {
        var attributes = (options ?? new RecordOptions()).Attributes();
        _verbs.Add(w =>
        {
            w.WriteStartElement("Record");
            WriteAttributes(w, attributes);
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>Ends the call.</summary>
    public TwiML Hangup()
    {
        _verbs.Add(w => w.WriteElementString("Hangup", null));
        return this;
    }

    /// <summary>Continues the call with the TwiML at <paramref name="url"/>.</summary>
    public TwiML Redirect(string url, TwilioMethod? method = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        _verbs.Add(w =>
        {
            w.WriteStartElement("Redirect");
            WriteAttributes(w, [("method", MethodName(method))]);
            w.WriteString(XmlSafe(url));
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>Replies to an incoming SMS with <paramref name="body"/>.</summary>
    public TwiML Message(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _verbs.Add(w =>
        {
            w.WriteStartElement("Message");
            w.WriteString(XmlSafe(body));
            w.WriteEndElement();
        });
        return this;
    }

    /// <summary>The document, UTF-8 declared, without indentation.</summary>
    public string ToXml()
    {
        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), Indent = false };
        using (var writer = XmlWriter.Create(buffer, settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("Response");
            foreach (var verb in _verbs)
            {
                verb(writer);
            }
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The document as a minimal-API result (<c>application/xml; charset=utf-8</c>).</summary>
    public ContentHttpResult ToResult() => TypedResults.Text(ToXml(), ContentType, Encoding.UTF8);

    /// <inheritdoc cref="ToXml"/>
    public override string ToString() => ToXml();

    /// <summary>Attribute values verified for Mandarin (see ../shared/fixtures/twilio/README.md, section (e)).</summary>
    public static class Mandarin
    {
        /// <summary><c>Say</c> language. Twilio also lists <c>zh-CN</c>, but the Mandarin voices carry the <c>cmn-CN</c> locale.</summary>
        public const string SayLanguage = "cmn-CN";

        /// <summary>Amazon Polly's Mandarin voice, paired with <see cref="SayLanguage"/>.</summary>
        public const string Voice = "Polly.Zhiyu";

        /// <summary>Speech recognition language for <c>Gather</c>; <c>zh-CN</c> is not in Gather's list.</summary>
        public const string GatherLanguage = "cmn-Hans-CN";
    }

    /// <summary>What may play inside a <c>Gather</c> while it listens.</summary>
    public sealed class GatherPrompt
    {
        private readonly List<Action<XmlWriter>> _verbs = [];

        /// <inheritdoc cref="TwiML.Say"/>
        public GatherPrompt Say(string text, string? language = Mandarin.SayLanguage, string? voice = Mandarin.Voice, int? loop = null)
        {
            _verbs.Add(SayVerb(text, language, voice, loop));
            return this;
        }

        internal void WriteTo(XmlWriter writer)
        {
            foreach (var verb in _verbs)
            {
                verb(writer);
            }
        }
    }

    private static Action<XmlWriter> SayVerb(string text, string? language, string? voice, int? loop)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (loop is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(loop), loop, "Say loop is zero (forever) or a positive count.");
        }
        return w =>
        {
            w.WriteStartElement("Say");
            WriteAttributes(w, [("language", language), ("voice", voice), ("loop", Number(loop))]);
            w.WriteString(XmlSafe(text));
            w.WriteEndElement();
        };
    }

    private static void WriteAttributes(XmlWriter writer, IEnumerable<(string Name, string? Value)> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                writer.WriteAttributeString(name, XmlSafe(value));
            }
        }
    }

    internal static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    internal static string? Boolean(bool? value) => value switch
    {
        null => null,
        true => "true",
        false => "false",
    };

    internal static string? MethodName(TwilioMethod? method) => method is not { } value ? null : value switch
    {
        TwilioMethod.Get => "GET",
        TwilioMethod.Post => "POST",
    };

    /// <summary>Replaces what XML 1.0 cannot represent (C0 controls other than tab/CR/LF, lone surrogates, U+FFFE/U+FFFF) with U+FFFD.</summary>
    internal static string XmlSafe(string text)
    {
        StringBuilder? safe = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (XmlConvert.IsXmlChar(c))
            {
                safe?.Append(c);
                continue;
            }
            safe ??= new StringBuilder(text, 0, i, text.Length);
            safe.Append('\uFFFD');
        }
        return safe?.ToString() ?? text;
    }
}

/// <summary>The HTTP method Twilio uses for an action or callback URL.</summary>
internal enum TwilioMethod
{
    Get,
    Post,
}

/// <summary>What <c>Gather</c> listens for.</summary>
[Flags]
internal enum GatherInput
{
    Dtmf = 1,
    Speech = 2,
}

/// <summary>
/// <c>speechTimeout</c>: seconds of silence after speech, or <see cref="Auto"/> (Twilio decides). Twilio refuses zero, negatives
/// and <c>auto</c> together with <c>speechModel</c> (error 13327); the first two cannot be built here.
/// </summary>
internal readonly record struct SpeechTimeout
{
    private SpeechTimeout(string value) => Value = value;

    /// <summary>The attribute value.</summary>
    public string Value { get; }

    /// <summary>Twilio stops listening when it detects a pause.</summary>
    public static SpeechTimeout Auto { get; } = new("auto");

    /// <summary>Stop after this many seconds of silence (positive).</summary>
    public static SpeechTimeout FromSeconds(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        return new(seconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public override string ToString() => Value;
}

/// <summary>
/// Attributes of <c>&lt;Gather&gt;</c>. Defaults: speech and keypad input, recognised as Mandarin (<c>cmn-Hans-CN</c>); everything
/// else Twilio's (action: the current document, POST, 5 s timeout).
/// </summary>
internal sealed record GatherOptions
{
    public GatherInput Input { get; init; } = GatherInput.Dtmf | GatherInput.Speech;

    /// <summary>Speech recognition language (BCP-47); null leaves Twilio's <c>en-US</c>.</summary>
    public string? Language { get; init; } = TwiML.Mandarin.GatherLanguage;

    /// <summary>Where Twilio posts <c>Digits</c> / <c>SpeechResult</c>.</summary>
    public string? Action { get; init; }

    public TwilioMethod? Method { get; init; }

    /// <summary>Seconds to wait for the first input (and between digits).</summary>
    public int? Timeout { get; init; }

    public SpeechTimeout? SpeechTimeout { get; init; }

    /// <summary>Submit after exactly this many digits.</summary>
    public int? NumDigits { get; init; }

    /// <summary>Words or phrases likely to be said (e.g. district names), sent comma-separated; a hint may not contain a comma.</summary>
    public IReadOnlyList<string>? Hints { get; init; }

    /// <summary>Post to <see cref="Action"/> even when nothing was heard or pressed.</summary>
    public bool? ActionOnEmptyResult { get; init; }

    internal IEnumerable<(string Name, string? Value)> Attributes()
    {
        if (Input == 0 || (Input & ~(GatherInput.Dtmf | GatherInput.Speech)) != 0)
        {
            throw new ArgumentException($"Gather input {Input} is not dtmf, speech or both.", nameof(Input));
        }
        if (Timeout is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Gather timeout is a positive number of seconds.");
        }
        if (NumDigits is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NumDigits), NumDigits, "Gather numDigits is positive.");
        }
        if (Hints?.Any(h => h.Contains(',', StringComparison.Ordinal)) == true)
        {
            throw new ArgumentException("A Gather hint may not contain a comma: hints are sent comma-separated.", nameof(Hints));
        }
        var input = Input switch
        {
            GatherInput.Dtmf => "dtmf",
            GatherInput.Speech => "speech",
            _ => "dtmf speech",
        };
        return
        [
            ("input", input),
            ("language", Language),
            ("action", Action),
            ("method", TwiML.MethodName(Method)),
            ("timeout", TwiML.Number(Timeout)),
            ("speechTimeout", SpeechTimeout?.Value),
            ("numDigits", TwiML.Number(NumDigits)),
            ("hints", Hints is null ? null : string.Join(',', Hints)),
            ("actionOnEmptyResult", TwiML.Boolean(ActionOnEmptyResult)),
        ];
    }
}

/// <summary>Attributes of <c>&lt;Record&gt;</c>; null leaves Twilio's default (5 s silence timeout, 3600 s, beep, no transcription).</summary>
internal sealed record RecordOptions
{
    /// <summary>Where Twilio posts <c>RecordingUrl</c> when the recording ends (not called for an empty recording).</summary>
    public string? Action { get; init; }

    /// <summary>Longest recording, in seconds.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Seconds of silence that end the recording.</summary>
    public int? Timeout { get; init; }

    public bool? PlayBeep { get; init; }

    /// <summary>Ask Twilio to transcribe the recording (whether Twilio transcribes Mandarin was not verified here).</summary>
    public bool? Transcribe { get; init; }

    /// <summary>Where Twilio posts <c>TranscriptionText</c>; implies transcription.</summary>
    public string? TranscribeCallback { get; init; }

    /// <summary>Where Twilio posts <c>RecordingStatus</c> when the recording is stored.</summary>
    public string? RecordingStatusCallback { get; init; }

    internal IEnumerable<(string Name, string? Value)> Attributes()
    {
        if (MaxLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "Record maxLength is a positive number of seconds.");
        }
        if (Timeout is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Record timeout is a number of seconds, not negative.");
        }
        return
        [
            ("action", Action),
            ("maxLength", TwiML.Number(MaxLength)),
            ("timeout", TwiML.Number(Timeout)),
            ("playBeep", TwiML.Boolean(PlayBeep)),
            ("transcribe", TwiML.Boolean(Transcribe)),
            ("transcribeCallback", TranscribeCallback),
            ("recordingStatusCallback", RecordingStatusCallback),
        ];
    }
}
