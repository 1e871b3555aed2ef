using YamlDotNet.RepresentationModel;

namespace PrivateFlows.Workflows.Language;

/// <summary>Small accessors over YamlDotNet's node model that keep source positions at hand.</summary>
internal static class YamlNodes
{
    public static SourceSpan Span(this YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    public static YamlNode? Get(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public static string? Scalar(this YamlMappingNode map, string key) =>
        map.Get(key) is YamlScalarNode s && !IsNull(s) ? s.Value : null;

    public static SourceSpan KeySpan(this YamlMappingNode map, string key)
    {
        foreach (var (k, _) in map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key) return k.Span();
        }

        return map.Span();
    }

    public static bool IsNull(YamlScalarNode s) =>
        s.Style == YamlDotNet.Core.ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");
}
