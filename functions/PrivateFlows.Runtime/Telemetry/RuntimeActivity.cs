using System.Diagnostics;

namespace PrivateFlows.Runtime.Telemetry;

/// <summary>Trace spans of the engine (ingest, step, dispatch, timer firing).</summary>
public static class RuntimeActivity
{
    public const string Name = "PrivateFlows.Runtime";

    public static readonly ActivitySource Source = new(Name);
}
