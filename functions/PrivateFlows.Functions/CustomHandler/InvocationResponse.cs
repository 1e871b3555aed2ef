using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivateFlows.Functions.CustomHandler;

/// <summary>
/// The answer to the Functions host: <c>{"Outputs": {}, "Logs": […], "ReturnValue": null}</c> (PascalCase, whatever the
/// API's JSON settings). The host writes <c>Logs</c> to its own log; a non-2xx status fails the invocation, so a
/// Service Bus message is abandoned and redelivered.
/// </summary>
public sealed class InvocationResponse
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; init; } = [];

    [JsonPropertyName("Logs")]
    public IReadOnlyList<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }

    public static IResult Result(int status, InvocationLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return Results.Json(new InvocationResponse { Logs = log.Lines }, Json, "application/json", status);
    }
}

/// <summary>
/// Logs of one invocation: each line goes to the app's structured log (with its named values) and, rendered, into
/// the response's <c>Logs</c> for the Functions host.
/// </summary>
public sealed class InvocationLog(ILogger logger)
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    public void Information(string template, params object?[] values) => Write(LogLevel.Information, null, template, values);

    public void Warning(string template, params object?[] values) => Write(LogLevel.Warning, null, template, values);

    public void Error(Exception? exception, string template, params object?[] values) => Write(LogLevel.Error, exception, template, values);

    private void Write(LogLevel level, Exception? exception, string template, object?[] values)
    {
#pragma warning disable CA2254 // the template is a constant at every call site; it is passed through
        logger.Log(level, exception, template, values);
#pragma warning restore CA2254
        var line = Render(template, values);
        if (exception is not null) line += $" ({exception.GetType().Name}: {exception.Message})";
        _lines.Add(line);
    }

    /// <summary>Fills the <c>{Name}</c> holes of a message template in order (<c>{{</c> and <c>}}</c> stay braces).</summary>
    public static string Render(string template, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var text = new StringBuilder(template.Length + 32);
        var next = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                text.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                text.Append('}');
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i) is var end and > 0)
            {
                text.Append(next < values.Count ? Format(values[next]) : template[i..(end + 1)]);
                next++;
                i = end;
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "(null)",
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
