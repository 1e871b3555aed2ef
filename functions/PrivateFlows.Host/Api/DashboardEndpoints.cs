namespace PrivateFlows.Host.Api;

/// <summary>
/// The web dashboard: its static files (<see cref="DashboardAssets"/>) and the read-only endpoints only it needs, under
/// <c>/api/dashboard</c>, one file per job: journey graphs with live counts (<see cref="JourneyGraphEndpoints"/>), trying
/// out unpublished journeys (<see cref="JourneyDraftEndpoints"/>), and what the engine is doing (<see cref="EngineActivityEndpoints"/>).
/// Same roles as the rest of the API.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>Maps the static dashboard and its endpoints (one line in <c>Program.cs</c>).</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapDashboardAssets();
        app.MapEngineActivityEndpoints();
        app.MapJourneyGraphEndpoints();
        app.MapJourneyDraftEndpoints();
        return app;
    }

    /// <summary>The group every dashboard endpoint is mapped in.</summary>
    internal static RouteGroupBuilder Group(IEndpointRouteBuilder app) => app.MapGroup("/api/dashboard").WithTags("dashboard");
}
