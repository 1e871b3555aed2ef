namespace PrivateFlows.Host.Security;

/// <summary>Who may call what: producers send events, marketers publish journeys, ops look after customers and instances.</summary>
public static class Roles
{
    public const string Producer = "producer";
    public const string Marketer = "marketer";
    public const string Ops = "ops";

    public static readonly IReadOnlyList<string> All = [Producer, Marketer, Ops];
}
