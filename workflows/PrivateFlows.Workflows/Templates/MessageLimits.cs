using System.Globalization;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Workflows.Templates;

/// <summary>
/// How long a message may be per channel, and how long a profile text may be where templates see it. Profile data
/// never makes a send fail: a longer text is cut, ending in a visible "…".
/// <list type="bullet">
/// <item>Profile texts (name, email, phone, locale, time zone, attribute values): <see cref="ProfileText"/> characters.</item>
/// <item>Template body before the marketing partial adds the label and the unsubscribe line: 500 characters for SMS,
/// app push and mini-program messages, 2,000 for WeCom, 3,000 for email and webhooks (under the sandbox's output limit).</item>
/// <item>Subject: <see cref="Subject"/> characters.</item>
/// </list>
/// </summary>
public static class MessageLimits
{
    public const string Ellipsis = "…";
    public const int ProfileText = 256;
    public const int Subject = 200;

    public static int Body(string? channel) => channel switch
    {
        Channels.Sms or Channels.AppPush or Channels.MiniProgram => 500,
        Channels.WeCom => 2_000,
        _ => 3_000,
    };

    /// <summary>The text, or its first characters and "…" so that the result is at most <paramref name="limit"/> long (never splitting a character).</summary>
    public static string? Cut(string? text, int limit)
    {
        if (text is null || text.Length <= limit) return text;
        var keep = limit - Ellipsis.Length;
        var length = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (keep > 0 && elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (length + element.Length > keep) break;
            length += element.Length;
        }

        return string.Concat(text.AsSpan(0, length), Ellipsis);
    }
}
