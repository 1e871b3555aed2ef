using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Storage;

/// <summary>Published journey versions.</summary>
public interface IJourneyRegistry
{
    /// <summary>Stores a version unless the same content (hash) is already published; numbers are 1, 2, … per journey.</summary>
    Task<PublishedJourney> PublishJourneyAsync(JourneyVersion version, DateTimeOffset at, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PublishedJourney>> ReadJourneysAsync(CancellationToken cancellationToken = default);
}
