using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace PrivateFlows.Workflows.Language;

/// <summary>
/// Reads the YAML event stream once, without building a tree and without recursion, and refuses input over
/// <see cref="JourneyLimits"/> before anything recursive (YamlDotNet's node model, the schema conversion, the parser)
/// walks it: too deep, aliases that expand too far or refer to the node that contains them.
/// </summary>
internal static class YamlPrecheck
{
    /// <summary>The first limit the document breaks, or null. Syntax errors are left to the loader, which reports them.</summary>
    public static (SourceSpan At, string Message)? Check(string yaml, CancellationToken cancellation)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        long nodes = 0;
        // Expanded size of every finished anchored node, and the anchored nodes still open (with the count at their start).
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long StartCount)>();
        try
        {
            while (parser.MoveNext())
            {
                cancellation.ThrowIfCancellationRequested();
                var current = parser.Current!;
                var at = new SourceSpan((int)current.Start.Line, (int)current.Start.Column);
                switch (current)
                {
                    case DocumentStart:
                        anchors.Clear();
                        break;
                    case Scalar scalar:
                        nodes++;
                        if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = 1;
                        break;
                    case AnchorAlias alias:
                        if (open.Any(o => o.Anchor == alias.Value.Value))
                        {
                            return (at, $"the alias '*{alias.Value.Value}' refers to the list or mapping that contains it, which would never end");
                        }

                        // An unknown anchor is a syntax error the loader reports with its own message.
                        nodes += anchors.GetValueOrDefault(alias.Value.Value, 1);
                        break;
                    case NodeEvent start when start is SequenceStart or MappingStart:
                        nodes++;
                        depth++;
                        if (depth > JourneyLimits.MaxDepth)
                        {
                            return (at, $"lists and mappings are nested more than {JourneyLimits.MaxDepth} deep here; a journey needs far fewer levels");
                        }

                        open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, nodes));
                        break;
                    case SequenceEnd or MappingEnd:
                        depth--;
                        var (anchor, startCount) = open.Pop();
                        if (anchor is not null) anchors[anchor] = nodes - startCount + 1;
                        break;
                }

                if (nodes > JourneyLimits.MaxNodes)
                {
                    return (at, $"the journey has more than {JourneyLimits.MaxNodes:N0} values, counting what each alias (*name) stands for; a journey needs far fewer");
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // The loader parses again and reports the syntax error at its position.
        }

        return null;
    }
}
