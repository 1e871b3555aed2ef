using System.Globalization;
using PrivateFlows.Runtime.Storage;
using PrivateFlows.Workflows.Language;

namespace PrivateFlows.Runtime.Sqlite;

/// <summary>
/// The journey facts one customer step gave one journey, as the facts row's compact column (the journey is the row's
/// key, so it is not repeated): instance ids once per row, fact ids that start with their instance id by their tail,
/// optional fields only when set.
/// </summary>
internal static class StepFacts
{
    private const byte Format = 1;
    private const byte HasVersion = 0x01;
    private const byte HasVariant = 0x02;
    private const byte HasChannel = 0x04;
    private const byte HasAmount = 0x08;
    private const byte HasOutcome = 0x10;
    private const byte HasStep = 0x20;
    private const byte IdAfterInstance = 0x40;

    public static byte[] Encode(IReadOnlyList<JourneyFact> facts)
    {
        var w = new CompactWriter();
        w.Byte(Format);
        w.UInt((ulong)facts.Count);
        var previous = 0L;
        foreach (var f in facts)
        {
            var tail = JournalEntries.TailAfterInstance(f.FactId, f.InstanceId);
            var flags = (f.Version is null ? 0 : HasVersion) | (f.Variant is null ? 0 : HasVariant) | (f.Channel is null ? 0 : HasChannel)
                | (f.Amount == 0m ? 0 : HasAmount) | (f.Outcome is null ? 0 : HasOutcome) | (f.Step is null ? 0 : HasStep) | (tail is null ? 0 : IdAfterInstance);
            w.Byte((byte)f.Kind);
            w.Byte((byte)flags);
            w.Shared(f.InstanceId);
            w.Text(tail ?? f.FactId);
            var ticks = f.At.UtcTicks;
            w.Int(ticks - previous);
            previous = ticks;
            if (f.Version is { } version) w.Shared(version);
            if (f.Variant is { } variant) w.Shared(variant);
            if (f.Channel is { } channel) w.Shared(channel);
            if (f.Amount != 0m) w.Text(f.Amount.ToString(CultureInfo.InvariantCulture));
            if (f.Outcome is { } outcome) w.Byte((byte)outcome);
            if (f.Step is { } step) w.Shared(step);
        }

        return w.ToArray();
    }

    public static List<JourneyFact> Decode(string journey, byte[] column)
    {
        var r = new CompactReader(column);
        if (r.Byte() != Format) throw new InvalidDataException("a facts row has an unknown format");
        var count = checked((int)r.UInt());
        var facts = new List<JourneyFact>(count);
        var previous = 0L;
        for (var i = 0; i < count; i++)
        {
            var kind = (JourneyFactKind)r.Byte();
            var flags = r.Byte();
            var instance = r.Shared();
            var id = r.Text();
            if ((flags & IdAfterInstance) != 0) id = string.Concat(instance, "/", id);
            previous += r.Int();
            facts.Add(new JourneyFact(id, instance, journey, kind, new DateTimeOffset(previous, TimeSpan.Zero),
                Version: (flags & HasVersion) != 0 ? r.Shared() : null,
                Variant: (flags & HasVariant) != 0 ? r.Shared() : null,
                Channel: (flags & HasChannel) != 0 ? r.Shared() : null,
                Amount: (flags & HasAmount) != 0 ? decimal.Parse(r.Text(), CultureInfo.InvariantCulture) : 0m,
                Outcome: (flags & HasOutcome) != 0 ? (InstanceOutcome)r.Byte() : null,
                Step: (flags & HasStep) != 0 ? r.Shared() : null));
        }

        return facts;
    }
}
