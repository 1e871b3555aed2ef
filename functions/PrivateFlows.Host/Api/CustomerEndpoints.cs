using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFlows.Host.Security;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Host.Api;

/// <summary>Ops views of one customer: profile and instances, messages, timeline, history (points, explain, export, erase: <see cref="InsightsEndpoints"/>).</summary>
public static class CustomerEndpoints
{
    public sealed record CustomerView(
        string CustomerId,
        long Version,
        CustomerProfile Profile,
        ImmutableArray<JourneyInstance> Instances,
        ImmutableArray<SendRecord> RecentSends,
        ImmutableSortedDictionary<string, DateTimeOffset> LastEntered,
        int PendingEffects,
        IReadOnlyList<DueTimer> Timers);

    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/customers/{customerId}").RequireAuthorization(Roles.Ops).WithTags("customers");

        group.MapGet("", async Task<Results<Ok<CustomerView>, ProblemHttpResult>> (HttpContext http, string customerId, ICustomerDocuments customers, ITimerIndex timerIndex, CancellationToken ct) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var document = await customers.ReadCustomerAsync(customerId, ct);
            if (document is null) return NotFound(customerId);
            var s = document.State;
            var timers = await timerIndex.ReadTimersAsync(customerId, ct);
            return TypedResults.Ok(new CustomerView(customerId, document.Version, s.Profile, s.Instances, s.RecentSends, s.LastEntered, document.PendingEffects.Length, timers));
        }).WithSummary("A customer's profile, journey instances, recent sends and timers");

        group.MapGet("/instances", async Task<Results<Ok<ImmutableArray<JourneyInstance>>, ProblemHttpResult>> (HttpContext http, string customerId, ICustomerDocuments store, CancellationToken ct) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var document = await store.ReadCustomerAsync(customerId, ct);
            return document is null ? NotFound(customerId) : TypedResults.Ok(document.State.Instances);
        }).WithSummary("A customer's journey instances (active, faulted, and ended ones not pruned yet)");

        // An unknown (or erased) customer is a 404 on every route, not an empty list; a customer whose first events
        // are still queued has no document yet but does have a timeline.
        group.MapGet("/messages", async Task<Results<Ok<IReadOnlyList<MessageRecord>>, ProblemHttpResult>> (HttpContext http, string customerId, IMessageLog messageLog, ICustomerDocuments customers, IEventInbox inbox, CancellationToken ct, int? limit) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var messages = await messageLog.ReadMessagesAsync(customerId, Math.Clamp(limit ?? 500, 1, 5000), ct);
            return messages.Count == 0 && !await ExistsAsync(customers, inbox, customerId, ct) ? NotFound(customerId) : TypedResults.Ok(messages);
        }).WithSummary("Messages sent to the customer (the sandbox keeps every rendered message)");

        group.MapGet("/events", async Task<Results<Ok<IReadOnlyList<TimelineEvent>>, ProblemHttpResult>> (HttpContext http, string customerId, IEventInbox inbox, ICustomerDocuments customers, CancellationToken ct, long? after, int? limit) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var events = await inbox.ReadEventsAsync(customerId, after ?? 0, Math.Clamp(limit ?? 500, 1, 5000), ct);
            return events.Count == 0 && !await ExistsAsync(customers, inbox, customerId, ct) ? NotFound(customerId) : TypedResults.Ok(events);
        }).WithSummary("The customer's timeline: every accepted event, known types or not");

        group.MapGet("/history", async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> (HttpContext http, string customerId, IJourneyHistory history, ICustomerDocuments customers, IEventInbox inbox, CancellationToken ct, long? after, int? limit) =>
        {
            customerId = CustomerRoute.Id(http, customerId);
            var page = await history.ReadCustomerHistoryAsync(customerId, after ?? 0, Math.Clamp(limit ?? 500, 1, 5000), ct);
            return page.Entries.Count == 0 && !await ExistsAsync(customers, inbox, customerId, ct) ? NotFound(customerId) : TypedResults.Ok(page);
        }).WithSummary("History of all the customer's instances, oldest first, paged with ?after=");

        // Points, explain, segments, export and erase: InsightsEndpoints.
    }

    private static async Task<bool> ExistsAsync(ICustomerDocuments customers, IEventInbox inbox, string customerId, CancellationToken ct) =>
        await customers.ReadCustomerAsync(customerId, ct) is not null || (await inbox.ReadEventsAsync(customerId, 0, 1, ct)).Count > 0;

    private static ProblemHttpResult NotFound(string customerId) =>
        Problems.NotFound("Customer not found", $"no customer '{customerId}'");
}
