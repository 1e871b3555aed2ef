using PrivateFlows.Durable.Journeys;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Segments;

namespace PrivateFlows.Durable.Api;

/// <summary>
/// The whole customer base as the read model holds it (segment members, RFM quintiles), read in pages of
/// <see cref="PageSize"/> profiles, and the customer program the app runs with (<see cref="ShippedJourneys.Program"/>).
/// </summary>
public sealed class CustomerBase(ICustomerReadModelReader reader, ShippedJourneys journeys)
{
    public const int PageSize = 500;

    public CustomerProgram Program => journeys.Program;

    public async Task<List<CustomerProfile>> AllAsync(CancellationToken cancellationToken)
    {
        var all = new List<CustomerProfile>();
        for (string? after = null; ;)
        {
            var page = await reader.ReadProfilesAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < PageSize) return all;
            after = page[^1].CustomerId;
        }
    }

    /// <summary>The program at <paramref name="now"/>: in quintile mode its RFM cut points come from <paramref name="profiles"/>.</summary>
    public CustomerProgram ProgramFor(IEnumerable<CustomerProfile> profiles, DateTimeOffset now) =>
        Program.RfmMode == RfmMode.Quintiles ? Program with { Rfm = RfmQuintiles.Compute(profiles, now) } : Program;

    /// <summary>As <see cref="ProgramFor"/>, reading the profiles only when quintile mode needs them.</summary>
    public async Task<CustomerProgram> ProgramAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        Program.RfmMode == RfmMode.Quintiles ? ProgramFor(await AllAsync(cancellationToken).ConfigureAwait(false), now) : Program;
}
