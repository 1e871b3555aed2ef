namespace PrivateFlows.Runtime.Journeys;

/// <summary>Where the built-in journeys come from (<c>PrivateFlows:Journeys</c>).</summary>
public sealed class JourneyOptions
{
    public const string Section = "PrivateFlows:Journeys";

    /// <summary>
    /// Folder of <c>*.yaml</c> journeys and their <c>templates/</c>, published at start-up when their content is new.
    /// Relative paths are relative to the app's folder. Empty: publish nothing at start-up.
    /// </summary>
    public string? Path { get; set; } = "journeys";
}
