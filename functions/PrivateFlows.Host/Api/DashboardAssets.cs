namespace PrivateFlows.Host.Api;

/// <summary>The dashboard's static files (<c>wwwroot/</c>), served at <c>/</c>.</summary>
public static class DashboardAssets
{
    public static WebApplication MapDashboardAssets(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Small files, changed with the app: always revalidate so a new build is picked up at once.
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
