namespace PrivateFlows.Durable.Api;

/// <summary>The roles of the local host's API keys, the same in Azure: producers send events, marketers read journeys and numbers, ops look after customers.</summary>
public static class ApiRoles
{
    public const string Producer = "producer";
    public const string Marketer = "marketer";
    public const string Ops = "ops";

    public static readonly IReadOnlyList<string> MarketerOrOps = [Marketer, Ops];
}
