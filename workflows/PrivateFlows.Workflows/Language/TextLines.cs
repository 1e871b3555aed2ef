using System.Text.RegularExpressions;

namespace PrivateFlows.Workflows.Language;

/// <summary>Lines of a journey or template as the parsers count them, and positions kept inside the text.</summary>
internal static partial class TextLines
{
    /// <summary>The lines as YamlDotNet counts them: \r\n, \r, \n, NEL, LS and PS each end a line.</summary>
    public static string[] Split(string text) => LineBreak().Split(text);

    /// <summary>
    /// A position inside the text, where an editor can show it: parsers report an error at the end of input on the
    /// line after the last one, or (Scriban) at line 0; those go to the end of the last line.
    /// </summary>
    public static SourceSpan Clamp(string text, SourceSpan at)
    {
        var lines = Split(text);
        if (at.Line < 1) return new SourceSpan(lines.Length, lines[^1].Length + 1);
        var line = Math.Min(at.Line, lines.Length);
        var column = line < at.Line ? lines[line - 1].Length + 1 : Math.Clamp(at.Column, 1, lines[line - 1].Length + 1);
        return new SourceSpan(line, column);
    }

    [GeneratedRegex("\r\n|[\r\n\u0085\u2028\u2029]")]
    private static partial Regex LineBreak();
}
