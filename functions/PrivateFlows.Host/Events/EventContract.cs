using NJsonSchema;
using NJsonSchema.Validation;

namespace PrivateFlows.Host.Events;

/// <summary>
/// The producer contract: one JSON Schema per event type (<c>schemas/events/&lt;type&gt;.schema.json</c>, shipped with
/// the app). Events of a type with a schema must match it; other types pass (they land on the customer's timeline).
/// </summary>
public sealed class EventContract
{
    public const string SchemaSuffix = ".schema.json";

    private readonly IReadOnlyDictionary<string, JsonSchema> _schemas;

    private EventContract(IReadOnlyDictionary<string, JsonSchema> schemas) => _schemas = schemas;

    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "schemas", "events");

    public IReadOnlyCollection<string> Types => [.. _schemas.Keys.Order(StringComparer.Ordinal)];

    public static async Task<EventContract> LoadAsync(string folder)
    {
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*" + SchemaSuffix))
            {
                var type = Path.GetFileName(file)[..^SchemaSuffix.Length];
                schemas[type] = await JsonSchema.FromFileAsync(file).ConfigureAwait(false);
            }
        }

        return new EventContract(schemas);
    }

    public bool Knows(string type) => _schemas.ContainsKey(type);

    /// <summary>The first violation of the type's schema, or null (also for types without a schema).</summary>
    public FieldError? Validate(string type, string eventJson)
    {
        if (!_schemas.TryGetValue(type, out var schema)) return null;
        var errors = schema.Validate(eventJson);
        var first = Flatten(errors).FirstOrDefault();
        return first is null ? null : new FieldError(FieldOf(first), Describe(first));
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
            {
                var inner = Flatten(child.Errors.SelectMany(e => e.Value)).ToList();
                if (inner.Count > 0)
                {
                    foreach (var e in inner) yield return e;
                    continue;
                }
            }

            yield return error;
        }
    }

    private static string FieldOf(ValidationError error)
    {
        var path = error.Path ?? "#";
        path = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        return path.Length == 0 ? "$" : path;
    }

    private static string Describe(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.NumberTooBig => $"{FieldOf(error)} must be at most {error.Schema?.Maximum}",
        ValidationErrorKind.NumberTooSmall => $"{FieldOf(error)} must be at least {error.Schema?.Minimum}",
        ValidationErrorKind.NumberNotMultipleOf => $"{FieldOf(error)} must be a multiple of {error.Schema?.MultipleOf} (too many decimals)",
        ValidationErrorKind.StringTooLong => $"{FieldOf(error)} is longer than {error.Schema?.MaxLength} characters",
        ValidationErrorKind.StringTooShort => $"{FieldOf(error)} is shorter than {error.Schema?.MinLength} characters",
        ValidationErrorKind.PatternMismatch => $"{FieldOf(error)} does not have the form the contract gives ({error.Schema?.Description ?? error.Schema?.Pattern})",
        ValidationErrorKind.NotInEnumeration => $"{FieldOf(error)} is not one of the values the contract lists",
        ValidationErrorKind.TooManyItems => $"{FieldOf(error)} holds at most {error.Schema?.MaxItems} items",
        ValidationErrorKind.TooManyProperties => $"{FieldOf(error)} holds at most {error.Schema?.MaxProperties} entries",
        ValidationErrorKind.PropertyRequired => $"{FieldOf(error)} is required",
        ValidationErrorKind.StringExpected => $"{FieldOf(error)} must be a string",
        ValidationErrorKind.NumberExpected => $"{FieldOf(error)} must be a number",
        ValidationErrorKind.IntegerExpected => $"{FieldOf(error)} must be an integer",
        ValidationErrorKind.BooleanExpected => $"{FieldOf(error)} must be true or false",
        ValidationErrorKind.ObjectExpected => $"{FieldOf(error)} must be an object",
        ValidationErrorKind.ArrayExpected => $"{FieldOf(error)} must be an array",
        _ => $"{FieldOf(error)}: {error.Kind}",
    };
}
