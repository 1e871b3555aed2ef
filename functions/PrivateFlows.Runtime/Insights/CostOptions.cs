using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// What journeys cost, for ROI (<c>PrivateFlows:Costs</c>). <c>PerMessage</c> is one number for every channel
/// (<c>"PerMessage": 0.05</c>) or one per channel (<c>"PerMessage": { "sms": 0.05, "email": 0.001, "default": 0 }</c>).
/// Coupon cost is the face amount of every coupon a journey issued (issued, not redeemed: the engine does not learn
/// which issued coupon an order used, so ROI is on the cautious side).
/// </summary>
public sealed class CostOptions
{
    public const string Section = "PrivateFlows:Costs";

    /// <summary>Cost of one message on a channel not listed in <see cref="PerChannel"/>.</summary>
    public decimal PerMessage { get; set; }

    public ImmutableSortedDictionary<string, decimal> PerChannel { get; set; } = ImmutableSortedDictionary<string, decimal>.Empty;

    public List<string> Problems { get; } = [];

    public decimal MessageCost(string? channel) => channel is not null && PerChannel.TryGetValue(channel, out var cost) ? cost : PerMessage;

    /// <summary>Reads <c>PerMessage</c> as a number or as a channel → number map.</summary>
    public void Load(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var perMessage = section.GetSection("PerMessage");
        if (perMessage.Value is { Length: > 0 } single) PerMessage = Parse(single, "PerMessage");
        var channels = ImmutableSortedDictionary.CreateBuilder<string, decimal>(StringComparer.Ordinal);
        foreach (var child in perMessage.GetChildren())
        {
            var cost = Parse(child.Value, $"PerMessage:{child.Key}");
            if (child.Key is "default" or "*") PerMessage = cost;
            else channels[child.Key] = cost;
        }

        PerChannel = channels.ToImmutable();
    }

    private decimal Parse(string? text, string name)
    {
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0) return value;
        Problems.Add($"{Section}:{name} must be a number ≥ 0, not '{text}'");
        return 0m;
    }
}

public sealed class CostOptionsValidator : IValidateOptions<CostOptions>
{
    public ValidateOptionsResult Validate(string? name, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);
    }
}
