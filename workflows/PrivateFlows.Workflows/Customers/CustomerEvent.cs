using System.Text.Json.Nodes;

namespace PrivateFlows.Workflows.Customers;

/// <summary>A CloudEvents 1.0 event about one customer: <see cref="Subject"/> is the customer id, <see cref="Id"/> the dedupe key.</summary>
public sealed record CustomerEvent(
    string Id,
    string Type,
    string Subject,
    DateTimeOffset Time,
    JsonObject Data,
    string Source = "privateflows")
{
    public string? DataString(string field) =>
        Data.TryGetPropertyValue(field, out var node) && node is JsonValue v ? v.ToString() : null;

    public decimal? DataDecimal(string field) =>
        Data.TryGetPropertyValue(field, out var node) && node is JsonValue v && decimal.TryParse(v.ToString(), System.Globalization.NumberStyles.Any, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
}
