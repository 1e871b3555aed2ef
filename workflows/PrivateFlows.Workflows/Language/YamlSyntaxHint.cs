using YamlDotNet.Core;

namespace PrivateFlows.Workflows.Language;

/// <summary>
/// Turns YamlDotNet's syntax errors into a position and a sentence a marketer can act on. The parser reports a tab
/// or a mis-indented line where it gave up (often the end of the line above) in its own terms; the text itself
/// shows where the problem is.
/// </summary>
internal static class YamlSyntaxHint
{
    public static (SourceSpan At, string Message) Explain(string yaml, YamlException e)
    {
        var (at, message) = Describe(yaml, e);
        return (TextLines.Clamp(yaml, at), message);
    }

    private static (SourceSpan At, string Message) Describe(string yaml, YamlException e)
    {
        var raw = e.InnerException?.Message ?? e.Message;
        var reported = new SourceSpan((int)e.Start.Line, (int)e.Start.Column);
        var lines = TextLines.Split(yaml);

        // A tab anywhere in a line's indentation: the parser trips over it at the line before or at the tab itself.
        for (var i = Math.Max(0, reported.Line - 1); i < Math.Min(lines.Length, reported.Line + 1); i++)
        {
            var indent = Indentation(lines[i]);
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab <= indent)
            {
                return (new SourceSpan(i + 1, tab + 1), "YAML uses spaces for indentation, not tabs: replace the tab at the start of this line with spaces");
            }
        }

        if (IsIndentationError(raw) && reported.Line >= 1 && reported.Line <= lines.Length)
        {
            // The mis-indented line is the reported one, or the first one after it (the parser may stop at the line end above).
            for (var i = reported.Line - 1; i < Math.Min(lines.Length, reported.Line + 1); i++)
            {
                if (string.IsNullOrWhiteSpace(lines[i]) || lines[i].TrimStart().StartsWith('#')) continue;
                var above = PreviousContentLine(lines, i);
                if (above < 0) break;
                var here = Indentation(lines[i]);
                var there = ContentIndentation(lines[above]);
                if (here != there && here != Indentation(lines[above]))
                {
                    return (new SourceSpan(i + 1, here + 1),
                        $"this line is indented differently from the one above (column {here + 1} here, column {there + 1} on line {above + 1}); items of the same list or mapping must start in the same column");
                }
            }

            return (reported, $"the indentation or a ':' here does not fit the lines around it ({raw})");
        }

        return (reported, raw);
    }

    private static bool IsIndentationError(string raw) =>
        raw.Contains("invalid mapping", StringComparison.OrdinalIgnoreCase)
        || raw.Contains("mapping values are not allowed", StringComparison.OrdinalIgnoreCase)
        || raw.Contains("did not find expected key", StringComparison.OrdinalIgnoreCase)
        || raw.Contains("did not find expected '-'", StringComparison.OrdinalIgnoreCase);

    private static int PreviousContentLine(string[] lines, int i)
    {
        for (var j = i - 1; j >= 0; j--)
        {
            if (!string.IsNullOrWhiteSpace(lines[j]) && !lines[j].TrimStart().StartsWith('#')) return j;
        }

        return -1;
    }

    private static int Indentation(string line)
    {
        var n = 0;
        while (n < line.Length && line[n] is ' ' or '\t') n++;
        return n;
    }

    /// <summary>Where a line's content starts, counting "- " of a list item as indentation ("  - id: a" → column of "id").</summary>
    private static int ContentIndentation(string line)
    {
        var n = Indentation(line);
        while (n + 1 < line.Length && line[n] == '-' && line[n + 1] == ' ')
        {
            n += 2;
            while (n < line.Length && line[n] == ' ') n++;
        }

        return n;
    }
}
