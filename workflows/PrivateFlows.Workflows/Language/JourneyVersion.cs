using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PrivateFlows.Workflows.Templates;

namespace PrivateFlows.Workflows.Language;

/// <summary>
/// An immutable, published journey: the definition, its source and every template it uses.
/// <see cref="Version"/> is a content hash, so publishing the same content twice yields the same version.
/// </summary>
public sealed record JourneyVersion
{
    public required JourneyDefinition Definition { get; init; }
    public required string Yaml { get; init; }
    /// <summary>Templates by name, then locale. Includes the shared <c>_marketing</c> partial.</summary>
    public ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, TemplateSource>> Templates { get; init; } =
        ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, TemplateSource>>.Empty;
    public required string Version { get; init; }
    /// <summary>Human sequence number (1, 2, …) given by the store on publish; 0 when not published.</summary>
    public int Number { get; init; }

    public string Name => Definition.Name;

    public static JourneyVersion Create(JourneyDefinition definition, string yaml, IEnumerable<TemplateSource> templates)
    {
        var map = templates
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToImmutableSortedDictionary(
                g => g.Key,
                g => g.ToImmutableSortedDictionary(t => t.Locale, t => t, StringComparer.Ordinal),
                StringComparer.Ordinal);
        return new JourneyVersion { Definition = definition, Yaml = yaml, Templates = map, Version = Hash(yaml, map) };
    }

    private static string Hash(string yaml, ImmutableSortedDictionary<string, ImmutableSortedDictionary<string, TemplateSource>> templates)
    {
        var sb = new StringBuilder(yaml.ReplaceLineEndings("\n"));
        foreach (var (name, locales) in templates)
        {
            foreach (var (locale, source) in locales)
            {
                sb.Append('\0').Append(name).Append('\0').Append(locale).Append('\0').Append(source.Text.ReplaceLineEndings("\n"));
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }
}
