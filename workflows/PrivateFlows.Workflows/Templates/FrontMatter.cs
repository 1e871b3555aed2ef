namespace PrivateFlows.Workflows.Templates;

/// <summary>Splits an optional <c>---\nsubject: …\n---</c> block off a template.</summary>
public static class FrontMatter
{
    public static (string? Subject, string Body, int BodyLineOffset) Split(string text)
    {
        var normalized = text.ReplaceLineEndings("\n");
        if (!normalized.StartsWith("---\n", StringComparison.Ordinal)) return (null, normalized, 0);
        var end = normalized.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0) return (null, normalized, 0);
        var header = normalized[4..end];
        var afterMarker = normalized.IndexOf('\n', end + 4);
        var body = afterMarker < 0 ? "" : normalized[(afterMarker + 1)..];
        string? subject = null;
        foreach (var line in header.Split('\n'))
        {
            if (line.StartsWith("subject:", StringComparison.Ordinal)) subject = line[8..].Trim();
        }

        return (subject, body, header.Split('\n').Length + 2);
    }
}
