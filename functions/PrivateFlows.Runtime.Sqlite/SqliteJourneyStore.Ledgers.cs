using System.Globalization;
using Microsoft.Data.Sqlite;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Runtime.Sqlite;

public sealed partial class SqliteJourneyStore
{
    private const string MessageColumns = "effect_id, customer_id, instance_id, journey, step, channel, category, template, locale, subject, body, address, via, status, attempts, detail, at";

    public Task<IReadOnlyList<MessageRecord>> ReadMessagesAsync(string customerId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<MessageRecord>>(Read(c => Query(c,
            $"SELECT {MessageColumns} FROM messages WHERE customer_id = $customer ORDER BY seq LIMIT $limit", MapMessage, ("$customer", customerId), ("$limit", limit))));

    public Task<MessageRecord?> ReadMessageAsync(string effectId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Read(c => Query(c, $"SELECT {MessageColumns} FROM messages WHERE effect_id = $id", MapMessage, ("$id", effectId)).FirstOrDefault()));

    public Task<IReadOnlyList<PointsEntry>> ReadPointsAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PointsEntry>>(Read(c => Query(c,
            "SELECT entry_id, customer_id, instance_id, points, rule, reason, status, at, expires_at FROM points_ledger WHERE customer_id = $customer ORDER BY seq",
            r => new PointsEntry(r.GetString(0), r.GetString(1), Text(r, 2), r.GetInt64(3), r.GetString(4), r.GetString(5), Parse<PointsStatus>(r.GetString(6)), StoredTime.Parse(r.GetString(7)),
                StoredTime.ParseOrNull(r.IsDBNull(8) ? null : r.GetString(8))),
            ("$customer", customerId))));

    public Task<IReadOnlyList<CouponRecord>> ReadCouponsAsync(string customerId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<CouponRecord>>(Read(c => Query(c,
            "SELECT code, effect_id, customer_id, instance_id, coupon, amount, expires_at, issued_at FROM coupons WHERE customer_id = $customer ORDER BY issued_at, code",
            r => new CouponRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), decimal.Parse(r.GetString(5), CultureInfo.InvariantCulture),
                StoredTime.ParseOrNull(r.IsDBNull(6) ? null : r.GetString(6)), StoredTime.Parse(r.GetString(7))),
            ("$customer", customerId))));

    private static MessageRecord MapMessage(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), Text(r, 2), Text(r, 3), Text(r, 4), r.GetString(5), Text(r, 6), Text(r, 7), Text(r, 8), Text(r, 9),
        MessageBodies.Read(r.GetValue(10)), Text(r, 11), r.GetString(12), Parse<DeliveryStatus>(r.GetString(13)), r.GetInt32(14), Text(r, 15),
        MessageBodies.ReadTime(r.GetValue(16)));
}
