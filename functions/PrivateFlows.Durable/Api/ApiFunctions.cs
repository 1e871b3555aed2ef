using System.Collections.Frozen;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// The HTTP functions of the Azure app by name, and the roles that may call each: the local host's routes and roles.
/// The Functions host lets every request through (<c>AuthorizationLevel.Anonymous</c>); the app checks these.
/// </summary>
public static class ApiFunctions
{
    public const string PostEvents = "PostEvents";
    public const string Healthz = "Healthz";
    public const string Dashboard = "Dashboard";
    public const string DashboardRoot = "DashboardRoot";

    public const string GetCustomer = "GetCustomer";
    public const string GetCustomerInstances = "GetCustomerInstances";
    public const string GetCustomerMessages = "GetCustomerMessages";
    public const string GetCustomerHistory = "GetCustomerHistory";
    public const string GetCustomerPoints = "GetCustomerPoints";
    public const string GetCustomerSegments = "GetCustomerSegments";
    public const string EraseCustomer = "EraseCustomer";
    public const string ExportCustomer = "ExportCustomer";
    public const string GetInstance = "GetInstance";

    public const string ListJourneys = "ListJourneys";
    public const string GetJourney = "GetJourney";
    public const string ListSegments = "ListSegments";
    public const string GetSegmentCustomers = "GetSegmentCustomers";
    public const string GetKpis = "GetKpis";
    public const string GetJourneyStats = "GetJourneyStats";

    public const string ListPoison = "ListPoison";
    public const string ListDeadLetters = "ListDeadLetters";
    public const string RequeueDeadLetter = "RequeueDeadLetter";

    private static readonly IReadOnlyList<string> OpsOnly = [ApiRoles.Ops];

    /// <summary>Liveness and the dashboard's static files (HTML, CSS, JS: no data; the dashboard asks for a key).</summary>
    private static readonly FrozenSet<string> Anonymous = new[] { Healthz, Dashboard, DashboardRoot }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, IReadOnlyList<string>> Roles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [PostEvents] = [ApiRoles.Producer],
        [GetCustomer] = OpsOnly,
        [GetCustomerInstances] = OpsOnly,
        [GetCustomerMessages] = OpsOnly,
        [GetCustomerHistory] = OpsOnly,
        [GetCustomerPoints] = OpsOnly,
        [GetCustomerSegments] = OpsOnly,
        [EraseCustomer] = OpsOnly,
        [ExportCustomer] = OpsOnly,
        [GetInstance] = OpsOnly,
        [ListJourneys] = ApiRoles.MarketerOrOps,
        [GetJourney] = ApiRoles.MarketerOrOps,
        [ListSegments] = ApiRoles.MarketerOrOps,
        [GetSegmentCustomers] = ApiRoles.MarketerOrOps,
        [GetKpis] = ApiRoles.MarketerOrOps,
        [GetJourneyStats] = ApiRoles.MarketerOrOps,
        [ListPoison] = OpsOnly,
        [ListDeadLetters] = OpsOnly,
        [RequeueDeadLetter] = OpsOnly,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsAnonymous(string functionName) => Anonymous.Contains(functionName);

    /// <summary>The roles that may call <paramref name="functionName"/>; null for a function nobody may call.</summary>
    public static IReadOnlyList<string>? RolesFor(string functionName) => Roles.GetValueOrDefault(functionName);

    /// <summary>Every function with roles (tests check each HTTP function of the app is here or anonymous).</summary>
    public static IEnumerable<string> Protected => Roles.Keys;
}
