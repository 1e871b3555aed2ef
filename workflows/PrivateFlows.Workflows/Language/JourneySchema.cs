using System.Globalization;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using YamlDotNet.RepresentationModel;

namespace PrivateFlows.Workflows.Language;

/// <summary>
/// Validates a journey's YAML tree against <c>workflows/schema/journey.schema.json</c> and maps every
/// schema error back to the line and column of the YAML node it concerns.
/// </summary>
internal static class JourneySchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(JourneySchema).Assembly.GetManifestResourceStream("journey.schema.json")
            ?? throw new InvalidOperationException("journey.schema.json is not embedded");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    });

    public static IEnumerable<Diagnostic> Validate(string path, YamlNode root, CancellationToken cancellation = default)
    {
        var positions = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
        // Recursion depth is bounded by JourneyLimits.MaxDepth (checked by YamlPrecheck before the tree is built).
        var json = ToJson(root, "#", positions, cancellation);
        foreach (var error in Flatten(Schema.Value.Validate(json)).OrderBy(e => e.Path, StringComparer.Ordinal))
        {
            yield return new Diagnostic(path, Locate(error, positions), Severity.Error, DiagnosticCodes.Schema, Describe(error));
        }
    }

    /// <summary>A list item's errors (e.g. an unknown property in a step) are reported where they are, not as "item not valid".</summary>
    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError { Kind: ValidationErrorKind.ArrayItemNotValid } child
            ? Flatten(child.Errors.Values.SelectMany(v => v))
            : [e]);

    private static SourceSpan Locate(ValidationError error, Dictionary<string, SourceSpan> positions)
    {
        var key = error.Path ?? "#";
        while (true)
        {
            if (positions.TryGetValue(key, out var span)) return span;
            var cut = Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
            if (cut <= 1) return positions.GetValueOrDefault("#", new SourceSpan(1, 1));
            key = key[..cut];
        }
    }

    private static string Describe(ValidationError error)
    {
        var property = error.Property ?? error.Path?.Split('.', '/').LastOrDefault() ?? "journey";
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"'{property}' is required here",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown property '{property}'",
            ValidationErrorKind.NotInEnumeration => $"'{property}' must be one of the allowed values",
            ValidationErrorKind.PatternMismatch => $"'{property}' does not have the expected form",
            ValidationErrorKind.StringExpected => $"'{property}' must be text",
            ValidationErrorKind.IntegerExpected => $"'{property}' must be a whole number",
            ValidationErrorKind.NumberExpected => $"'{property}' must be a number",
            ValidationErrorKind.ArrayExpected => $"'{property}' must be a list",
            ValidationErrorKind.ObjectExpected => $"'{property}' must be a mapping",
            ValidationErrorKind.TooFewItems => $"'{property}' needs at least one item",
            ValidationErrorKind.NotOneOf => $"'{property}' has the wrong shape",
            _ => $"'{property}': {error.Kind}",
        };
    }

    private static JToken ToJson(YamlNode node, string path, Dictionary<string, SourceSpan> positions, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        positions[path] = node.Span();
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JObject();
                foreach (var (k, v) in map.Children)
                {
                    // A list or mapping used as a key ("? [a, b]: c") is valid YAML but never a journey property.
                    var name = k is YamlScalarNode key ? key.Value ?? "" : $"({k.NodeType.ToString().ToLowerInvariant()} as a key)";
                    var childPath = path == "#" ? $"#/{name}" : $"{path}.{name}";
                    obj[name] = ToJson(v, childPath, positions, cancellation);
                    positions[childPath] = k.Span();
                }

                return obj;
            case YamlSequenceNode seq:
                var array = new JArray();
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    array.Add(ToJson(seq.Children[i], $"{path}[{i}]", positions, cancellation));
                }

                return array;
            case YamlScalarNode scalar:
                return ScalarToJson(scalar);
            default:
                return JValue.CreateNull();
        }
    }

    private static JToken ScalarToJson(YamlScalarNode scalar)
    {
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain) return new JValue(scalar.Value);
        if (YamlNodes.IsNull(scalar)) return JValue.CreateNull();
        var text = scalar.Value!;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l)) return new JValue(l);
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return new JValue(d);
        if (text is "true" or "false") return new JValue(text == "true");
        return new JValue(text);
    }
}
