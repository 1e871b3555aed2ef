using System.Runtime.CompilerServices;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Reads over the whole customer base (segment members, KPIs, RFM quintiles, held referral rewards): profiles in
/// pages from the store, never all documents at once.
/// </summary>
public sealed class CustomerDirectory(IJourneyStore store, JourneyCatalog catalog)
{
    public const int PageSize = 500;

    public async IAsyncEnumerable<CustomerProfile> ProfilesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? after = null;
        while (true)
        {
            var page = await store.ReadProfilesAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var profile in page) yield return profile;
            if (page.Count < PageSize) yield break;
            after = page[^1].CustomerId;
        }
    }

    public async Task<List<CustomerProfile>> AllAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<CustomerProfile>();
        await foreach (var profile in ProfilesAsync(cancellationToken).ConfigureAwait(false)) all.Add(profile);
        return all;
    }

    /// <summary>
    /// The program as of <paramref name="now"/>: the configured one, with RFM cut points computed from
    /// <paramref name="profiles"/> when it is in quintile mode.
    /// </summary>
    public CustomerProgram ProgramFor(IEnumerable<CustomerProfile> profiles, DateTimeOffset now)
    {
        var program = catalog.Program;
        return program.RfmMode == RfmMode.Quintiles ? program with { Rfm = RfmQuintiles.Compute(profiles, now) } : program;
    }
}
