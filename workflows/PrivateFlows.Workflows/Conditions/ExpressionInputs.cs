using System.Collections.Immutable;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Engine;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Segments;
using PrivateFlows.Workflows.Templates;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Conditions;

/// <summary>
/// What an expression reads, as typed values: the same facts <see cref="ScriptModel.For(CustomerProfile, CustomerEvent?, JourneyInstance?, DateTimeOffset, CustomerProgram)"/>
/// exposes (customer, event, entry, vars, journey, now), without building script objects. Derived figures (RFM,
/// lifecycle, segments) are computed only when read, once per customer and instant.
/// </summary>
public sealed class ExpressionInputs
{
    private ExpressionInputs(CustomerProfile profile, CustomerEvent? @event, CustomerEvent? entry, JourneyInstance? instance, DateTimeOffset now, CustomerProgram program, bool forSegments)
    {
        Profile = profile;
        Event = @event;
        Entry = entry;
        Instance = instance;
        Now = now;
        Program = program;
        ForSegments = forSegments;
    }

    /// <summary>The inputs of a journey expression (entry condition, branch, goal or exit condition …).</summary>
    public static ExpressionInputs For(CustomerProfile profile, CustomerEvent? @event, JourneyInstance? instance, DateTimeOffset now, CustomerProgram program)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(program);
        return new(profile, @event, instance is null ? @event : instance.EntryEvent, instance, now, program, forSegments: false);
    }

    /// <summary>The inputs of a named segment's rule: only <c>customer</c> (without <c>segments</c>) and <c>now</c>.</summary>
    public static ExpressionInputs ForSegment(CustomerProfile profile, DateTimeOffset now, CustomerProgram program)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(program);
        return new(profile, null, null, null, now, program, forSegments: true);
    }

    public CustomerProfile Profile { get; }
    public CustomerEvent? Event { get; }
    public CustomerEvent? Entry { get; }
    public JourneyInstance? Instance { get; }
    public DateTimeOffset Now { get; }
    public CustomerProgram Program { get; }

    /// <summary>A segment rule sees no event, entry, vars or journey, and no <c>customer.segments</c>.</summary>
    public bool ForSegments { get; }

    internal CustomerFigures Figures => _figures ??= CustomerFigures.For(Profile, Now, Program);
    private CustomerFigures? _figures;

    /// <summary>The script model the interpreter reads, for expressions (or values) the compiled form does not cover.</summary>
    public ScriptObject Model() => ForSegments
        ? new ScriptObject { ["customer"] = ScriptModel.CustomerFacts(Profile, Now, Program), ["now"] = Now.UtcDateTime }
        : ScriptModel.For(Profile, Event, Instance, Now, Program);

    /// <summary>The script model with only what a template or expression reads (<see cref="TemplateReads"/>).</summary>
    internal ScriptObject Model(TemplateReads reads) => ForSegments
        ? Model()
        : ScriptModel.For(Profile, Event, Instance, Now, Program, reads);
}

/// <summary>Figures derived from a profile as of an instant, memoized for the decision that reads them (records are immutable).</summary>
internal sealed class CustomerFigures
{
    private readonly CustomerProfile _profile;
    private readonly DateTimeOffset _now;
    private readonly CustomerProgram _program;
    private RfmScore? _rfm;
    private string? _lifecycle;
    private ImmutableArray<string>? _segments;
    private bool _computingSegments;

    private CustomerFigures(CustomerProfile profile, DateTimeOffset now, CustomerProgram program)
    {
        _profile = profile;
        _now = now;
        _program = program;
    }

    [ThreadStatic]
    private static CustomerFigures? _last;

    public static CustomerFigures For(CustomerProfile profile, DateTimeOffset now, CustomerProgram program)
    {
        if (_last is { } last && ReferenceEquals(last._profile, profile) && last._now == now && ReferenceEquals(last._program, program)) return last;
        return _last = new CustomerFigures(profile, now, program);
    }

    public RfmScore Rfm => _rfm ??= RfmScoring.Score(_profile, _now, _program.Rfm);

    public string Lifecycle => _lifecycle ??= Segments.Lifecycle.Stage(_profile, _now, _program.Lifecycle);

    public bool IsBirthdayMonth => PointsEarning.InBirthdayMonth(_profile, _now);

    /// <summary>Names of the program's named segments the customer is in (null while they are being computed, as the interpreter's lazy member reads).</summary>
    public ImmutableArray<string>? SegmentNames
    {
        get
        {
            if (_segments is { } done) return done;
            if (_computingSegments) return null;
            _computingSegments = true;
            try
            {
                _segments = SegmentEvaluator.Memberships(_profile, _now, _program);
            }
            finally
            {
                _computingSegments = false;
            }

            return _segments;
        }
    }
}
