using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using PrivateFlows.Runtime.Telemetry;

namespace PrivateFlows.Runtime.Cosmos;

/// <summary>
/// The request charge (RU) of every Cosmos DB operation, as a histogram <c>privateflows.cosmos.request_charge</c>
/// tagged by operation and status, and as a structured log line; writes also record the item size
/// (<c>privateflows.cosmos.item_size</c>), which is what the charge of a write follows. The meter is the runtime's,
/// so whatever exports the runtime's metrics exports these too.
/// </summary>
public sealed partial class CosmosTelemetry
{
    public const string RequestChargeInstrument = "privateflows.cosmos.request_charge";
    public const string ItemSizeInstrument = "privateflows.cosmos.item_size";

    /// <summary>A single operation above this many RU is logged as a warning.</summary>
    public const double ExpensiveCharge = 100;

    private readonly Histogram<double> _charge;
    private readonly Histogram<long> _size;
    private readonly ILogger<CosmosTelemetry> _log;

    public CosmosTelemetry(IMeterFactory meterFactory, ILogger<CosmosTelemetry> log)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(RuntimeMetrics.MeterName);
        _charge = meter.CreateHistogram<double>(RequestChargeInstrument, "{RU}", "Request charge of each Cosmos DB operation, by operation and status");
        _size = meter.CreateHistogram<long>(ItemSizeInstrument, "By", "Size of each item written to Cosmos DB, by operation");
        _log = log;
    }

    public void Charged(string operation, HttpStatusCode status, double charge, long itemBytes = -1)
    {
        var code = (int)status;
        _charge.Record(charge, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("status", code));
        if (itemBytes >= 0) _size.Record(itemBytes, new KeyValuePair<string, object?>("operation", operation));
        if (charge >= ExpensiveCharge) LogExpensive(operation, code, charge, itemBytes);
        else LogCharge(operation, code, charge, itemBytes);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cosmos {Operation}: {Status}, {RequestCharge} RU, {ItemBytes} bytes written")]
    private partial void LogCharge(string operation, int status, double requestCharge, long itemBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expensive Cosmos {Operation}: {Status}, {RequestCharge} RU, {ItemBytes} bytes written")]
    private partial void LogExpensive(string operation, int status, double requestCharge, long itemBytes);
}
