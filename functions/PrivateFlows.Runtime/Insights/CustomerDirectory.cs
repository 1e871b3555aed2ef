using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Journeys;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Runtime.Insights;

/// <summary>
/// Reads over the whole customer base (segment members, KPIs, RFM quintiles, held referral rewards): profiles in
/// pages from the store, never all documents at once.
/// </summary>
public sealed class CustomerDirectory(ICustomerDocuments store, JourneyCatalog catalog, ILogger<CustomerDirectory> log)
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
    /// Every profile the customer-base reads (segment listings, KPIs) can evaluate as of <paramref name="now"/>. A profile
    /// whose stored data cannot be evaluated (e.g. hostile numbers or dates kept from before ingest validated them) is
    /// skipped, logged and counted: one bad customer never breaks a listing for everybody.
    /// </summary>
    public async Task<ReadableProfiles> ReadableAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var readable = new List<CustomerProfile>();
        var skipped = new List<string>();
        await foreach (var profile in ProfilesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (CanEvaluate(profile, now)) readable.Add(profile);
            else skipped.Add(profile.CustomerId);
        }

        return new ReadableProfiles(readable, skipped);
    }

    private bool CanEvaluate(CustomerProfile profile, DateTimeOffset now)
    {
        if (Unreadable(profile, now, catalog.Program) is not { } e) return true;
        log.LogWarning(e, "Customer {CustomerId} left out of customer-base reads: their stored profile cannot be evaluated ({Reason})", profile.CustomerId, e.Message);
        return false;
    }

    /// <summary>Why the profile cannot be evaluated (what listings and KPIs compute of it), or null when it can.</summary>
    internal static Exception? Unreadable(CustomerProfile profile, DateTimeOffset now, CustomerProgram program)
    {
        try
        {
            _ = profile.Orders.Net;
            _ = profile.Loyalty.OpenPoints;
            _ = Lifecycle.Stage(profile, now, program.Lifecycle);
            _ = RfmScoring.Score(profile, now, program.Rfm);
            _ = SegmentEvaluator.Memberships(profile, now, program);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
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
