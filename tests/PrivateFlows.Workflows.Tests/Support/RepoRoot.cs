namespace PrivateFlows.Workflows.Tests.Support;

/// <summary>Finds the repository (the folder holding PrivateFlows.sln) from the test binaries, so tests can read workflows/journeys.</summary>
public static class RepoRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Journeys => System.IO.Path.Combine(Path, "workflows", "journeys");

    public static string Templates => System.IO.Path.Combine(Journeys, "templates");

    public static string Examples => System.IO.Path.Combine(Journeys, "examples");

    public static string JourneyFile(string name) => System.IO.Path.Combine(Journeys, name + ".yaml");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "PrivateFlows.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"PrivateFlows.sln not found above {AppContext.BaseDirectory}");
    }
}
