using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PrivateFlows.Runtime.ReadModel;
using PrivateFlows.Runtime.Serialization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Referrals;

namespace PrivateFlows.Runtime.Cosmos;

public sealed partial class CosmosCustomerReadModel
{
    /// <summary>How a step's customer item write went.</summary>
    private enum CustomerWrite
    {
        /// <summary>The document is this step's now (it was the newest step, or a replay of it).</summary>
        Newest,
        /// <summary>A newer step is already there: the document and its live-count entries stay as they are.</summary>
        Older,
        /// <summary>The customer was erased: nothing of the step is written.</summary>
        Erased,
    }

    /// <summary>What this instance last wrote of a customer: the referral link.</summary>
    internal sealed record WrittenCustomer(ReferralLink? Referral);

    internal sealed record ReferralLink(string ReferrerId, long At);

    public async Task<CustomerDocument?> ReadCustomerAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var (_, item, _) = await ReadAsync<CustomerItem>(_customers, "customer.read", CosmosKeys.CustomerId(customerId), Key(customerId), cancellationToken).ConfigureAwait(false);
        if (item is null) return null;
        var document = ToDocument(item);
        foreach (var instance in document.State.Instances) _owners.Remember(OwnerKey.Instance(instance.InstanceId), customerId);
        return document;
    }

    public async Task<IReadOnlyList<AcceptedReferral>> ReadReferralsAsync(string referrerId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT c.refereeId, c.acceptedAt FROM c WHERE c.customerId = @pk AND c.type = @type AND c.acceptedAt >= @since")
            .WithParameter("@pk", referrerId).WithParameter("@type", CosmosKeys.Referral).WithParameter("@since", since.ToUnixTimeMilliseconds());
        var rows = await QueryAsync(_customers, "referral.query", query, Key(referrerId), cancellationToken).ConfigureAwait(false);
        return [.. rows
            .Select(r => new AcceptedReferral(r.GetProperty("refereeId").GetString()!, DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("acceptedAt").GetInt64())))
            .OrderBy(r => r.AcceptedAt)];
    }

    public async Task<IReadOnlyList<CustomerProfile>> ReadProfilesAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken = default)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var query = new QueryDefinition("SELECT TOP @limit c.customerId, c.doc.state.profile AS profile FROM c WHERE c.type = @type AND c.customerId > @after ORDER BY c.customerId")
            .WithParameter("@limit", Math.Max(1, limit)).WithParameter("@type", CosmosKeys.Customer).WithParameter("@after", afterCustomerId ?? "");
        var rows = await QueryAcrossPartitionsAsync(_customers, "customer.query-profiles", query, cancellationToken).ConfigureAwait(false);
        return [.. rows
            .Select(r => (Id: r.GetProperty("customerId").GetString()!, Profile: r.GetProperty("profile").Deserialize<CustomerProfile>(RuntimeJson.Options)!))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Take(Math.Max(1, limit))
            .Select(r => r.Profile)];
    }

    /// <summary>
    /// Writes the step's document and the live-count entries of its in-flight instances into the customer item with a
    /// patch filtered on the step time (<c>c.at</c>), so an older step (an activity retried late) never replaces a newer
    /// one and no read comes first. A missing item is created — unless the customer was erased (the tombstone is read
    /// only then, once per customer).
    /// </summary>
    private async Task<CustomerWrite> WriteCustomerAsync(CustomerStep step, long at, CancellationToken cancellationToken)
    {
        var document = step.Document;
        var customerId = document.CustomerId;
        var id = CosmosKeys.CustomerId(customerId);
        var item = ToCustomerItem(document, at);
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(item, CosmosJson.Options).LongLength;
        PatchOperation[] update =
        [
            PatchOperation.Set("/doc", Token(item.Doc)),
            PatchOperation.Set("/at", at),
            PatchOperation.Set("/v", document.Version),
            PatchOperation.Set("/journeys", item.Journeys),
            PatchOperation.Set("/inFlight", Token(System.Text.Json.JsonSerializer.SerializeToElement(item.InFlight, CosmosJson.Options))),
        ];
        var filter = $"FROM c WHERE c.at <= {at.ToString(CultureInfo.InvariantCulture)}";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var patched = await PatchAsync(_customers, "customer.patch", id, Key(customerId), update, cancellationToken, filter: filter, itemBytes: bytes).ConfigureAwait(false);
            if (patched == HttpStatusCode.OK) return CustomerWrite.Newest;
            if (patched == HttpStatusCode.PreconditionFailed) return CustomerWrite.Older;
            if (await IsErasedAsync(customerId, cancellationToken).ConfigureAwait(false)) return CustomerWrite.Erased;
            var (created, _) = await CreateAsync(_customers, "customer.create", item, Key(customerId), cancellationToken).ConfigureAwait(false);
            if (created != HttpStatusCode.Conflict) return CustomerWrite.Newest;
            // Created meanwhile by a concurrent write of the same customer: patch again.
        }

        throw new InvalidOperationException($"the customer item of {customerId} kept appearing and disappearing while a step was written");
    }

    /// <summary>The customer item of a step's document (also what the cost model prices).</summary>
    internal static CustomerItem ToCustomerItem(CustomerDocument document, long at)
    {
        var doc = System.Text.Json.JsonSerializer.SerializeToElement(StepRecords.Shown(document), RuntimeJson.Options);
        var inFlight = IndexedStep.InFlight(document).OrderBy(i => i.Key, StringComparer.Ordinal)
            .Select(i => new InFlightLine(i.Key, i.Value.Journey, i.Value.Version, i.Value.Step, i.Value.Faulted)).ToList();
        var journeys = inFlight.Select(i => i.Journey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new CustomerItem(CosmosKeys.CustomerId(document.CustomerId), document.CustomerId, at, document.Version, journeys, inFlight, doc);
    }

    /// <summary>
    /// The referral link of a referred customer, in the referrer's partition (the velocity check reads it there);
    /// written when this instance has not written the same link yet (an upsert: a repeat is harmless).
    /// </summary>
    private void AddReferralWrite(List<Func<CancellationToken, Task>> writes, CustomerDocument document, WrittenCustomer? known)
    {
        if (document.State.Profile.ReferredBy is not { } referredBy) return;
        var link = new ReferralLink(referredBy.ReferrerId, referredBy.AcceptedAt.ToUnixTimeMilliseconds());
        if (known?.Referral == link) return;
        var customerId = document.CustomerId;
        var referral = new ReferralItem(CosmosKeys.Id(CosmosKeys.Referral, customerId), referredBy.ReferrerId, customerId, link.At);
        writes.Add(async ct =>
        {
            await UpsertAsync(_customers, "referral.upsert", referral, Key(referredBy.ReferrerId), ct).ConfigureAwait(false);
            if (known?.Referral is { } old && old.ReferrerId != link.ReferrerId)
            {
                await DeleteAsync(_customers, "referral.delete", CosmosKeys.Id(CosmosKeys.Referral, customerId), Key(old.ReferrerId), ct).ConfigureAwait(false);
            }
        });
    }

    /// <summary>
    /// A System.Text.Json value as the SDK's Newtonsoft serializer writes it: dates stay the text they are (Newtonsoft
    /// would otherwise parse and re-format ISO strings) and numbers keep their digits.
    /// </summary>
    private static JToken Token(JsonElement value)
    {
        using var reader = new JsonTextReader(new StringReader(value.GetRawText())) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        return JToken.ReadFrom(reader);
    }

    private static CustomerDocument ToDocument(CustomerItem item) =>
        item.Doc.Deserialize<CustomerDocument>(RuntimeJson.Options)! with { Version = item.V };

    /// <summary>Keys of <see cref="_owners"/>: one map for several kinds of id.</summary>
    private static class OwnerKey
    {
        public static string Effect(string id) => "m\u001f" + id;

        public static string Instance(string id) => "i\u001f" + id;
    }
}

internal static class CosmosTime
{
    public static string Text(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOrNull(string? text) => text is null ? null : Parse(text);
}
