using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Journeys;

/// <summary>The outcome of a publish: the stored version, or the diagnostics that refused it.</summary>
public sealed record PublishResult(PublishedJourney? Journey, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool Published => Journey is not null;
}
