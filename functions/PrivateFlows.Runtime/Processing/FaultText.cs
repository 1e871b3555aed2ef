using System.Text.RegularExpressions;

namespace PrivateFlows.Runtime.Processing;

/// <summary>
/// Fault texts shown to ops and API callers (poison reasons, problem details) carry no absolute server paths and no
/// stack traces: they tell where the server's files live. A path keeps its file name, which is what ops needs.
/// </summary>
public static partial class FaultText
{
    private const int MaxLength = 2000;

    public static string Safe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trace = text.IndexOf("\n   at ", StringComparison.Ordinal);
        if (trace >= 0) text = text[..trace];
        text = WindowsPath().Replace(UnixPath().Replace(text, "$1"), "$1");
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }

    /// <summary>Two or more segments from the root (<c>/srv/app/x.yaml</c>, <c>file:///srv/x</c>), not a URL path after a host.</summary>
    [GeneratedRegex(@"(?<![\w.:/-])(?:file://)?/(?:[^\s'""`/<>|:]+/)+([^\s'""`/<>|:]+)")]
    private static partial Regex UnixPath();

    [GeneratedRegex(@"\b[A-Za-z]:\\(?:[^\s'""`\\<>|:]+\\)*([^\s'""`\\<>|:]+)")]
    private static partial Regex WindowsPath();
}
