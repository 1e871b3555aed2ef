namespace PrivateFlows.Runtime.Tests.Support;

/// <summary>Where the test inputs are: the built-in journeys (copied beside the tests) and the test journeys.</summary>
public static class Paths
{
    public static string BuiltInJourneys => Path.Combine(AppContext.BaseDirectory, "journeys");

    public static string TestJourneys(string name) => Path.Combine(AppContext.BaseDirectory, "test-journeys", name);

    /// <summary>The repository root (the folder holding PrivateFlows.sln).</summary>
    public static string Repository
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PrivateFlows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("PrivateFlows.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
