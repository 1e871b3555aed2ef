using System.Collections.Immutable;

namespace PrivateFlows.Workflows.Language;

/// <summary>One step of a journey. <see cref="Next"/> is null when the following step in the file runs next.</summary>
public abstract record Step
{
    public required string Id { get; init; }
    public string? Next { get; init; }
    public SourceSpan At { get; init; }
    /// <summary>Where the step's kind key is (e.g. the <c>send:</c> line), for diagnostics about its options.</summary>
    public SourceSpan KindAt { get; init; }
    /// <summary>Where the <c>next</c> value is, for diagnostics about it (the step's position when it has none).</summary>
    public SourceSpan NextAt { get; init; }
    public abstract string Kind { get; }

    /// <summary>True when the instance stops here until time passes or an event arrives.</summary>
    public virtual bool Waits => false;

    /// <summary>Explicit successors other than <see cref="Next"/> (branch targets, variants, timeouts).</summary>
    public virtual IEnumerable<(string Target, SourceSpan At)> Targets() => [];
}

public sealed record SendStep : Step
{
    public override string Kind => "send";
    public required string Channel { get; init; }
    public required string Template { get; init; }
    public SendCategory? Category { get; init; }
    public OnLimit OnLimit { get; init; } = OnLimit.Defer;
    public SourceSpan ChannelAt { get; init; }
    public SourceSpan TemplateAt { get; init; }
}

public sealed record WaitStep : Step
{
    public override string Kind => "wait";
    public override bool Waits => true;
    public TimeSpan? Duration { get; init; }
    /// <summary>Scriban expression giving a number of days, e.g. a product's use cycle.</summary>
    public string? DaysExpression { get; init; }
    public bool FromEntry { get; init; }
    public TimeSpan? Default { get; init; }
}

public sealed record WaitUntilStep : Step
{
    public override string Kind => "wait_until";
    public override bool Waits => true;
    public required TimeOnly Time { get; init; }
    /// <summary>Expression giving <c>MM-dd</c> or <c>yyyy-MM-dd</c>: wait for the next such calendar day.</summary>
    public string? DateExpression { get; init; }
}

public sealed record WaitForStep : Step
{
    public override string Kind => "wait_for";
    public override bool Waits => true;
    public required string Event { get; init; }
    public ImmutableSortedDictionary<string, string> Match { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public string? Condition { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required string OnTimeout { get; init; }
    public SourceSpan OnTimeoutAt { get; init; }
    public string? SaveAs { get; init; }

    public override IEnumerable<(string Target, SourceSpan At)> Targets() => [(OnTimeout, OnTimeoutAt)];
}

public sealed record BranchCase(string? When, string Next, SourceSpan At)
{
    /// <summary>Where the <c>when</c> expression is (for diagnostics about it); <see cref="At"/> is where the target is.</summary>
    public SourceSpan WhenAt { get; init; }
}

public sealed record BranchStep : Step
{
    public override string Kind => "branch";
    /// <summary>Cases in order; the <c>else</c> case has <see cref="BranchCase.When"/> null.</summary>
    public ImmutableArray<BranchCase> Cases { get; init; } = [];

    public override IEnumerable<(string Target, SourceSpan At)> Targets() => Cases.Select(c => (c.Next, c.At));
}

public sealed record SplitVariant(string Name, int Weight, string Next, SourceSpan At);

public sealed record SplitStep : Step
{
    public override string Kind => "split";
    /// <summary>Percent of customers held out (0–100).</summary>
    public int Holdout { get; init; }
    public ImmutableArray<SplitVariant> Variants { get; init; } = [];
    /// <summary>When set, new entries go to the variant the statistics declare the winner.</summary>
    public WinnerRule? Winner { get; init; }

    public override IEnumerable<(string Target, SourceSpan At)> Targets() => Variants.Select(v => (v.Next, v.At));
}

public sealed record AwardPointsStep : Step
{
    public override string Kind => "award_points";
    /// <summary>An integer literal or a Scriban expression.</summary>
    public required string Points { get; init; }
    public string? Reason { get; init; }
}

public sealed record IssueCouponStep : Step
{
    public override string Kind => "issue_coupon";
    public required string Coupon { get; init; }
    public decimal Amount { get; init; }
    public TimeSpan? Valid { get; init; }
}

public sealed record TagStep : Step
{
    public override string Kind => Remove ? "untag" : "tag";
    public ImmutableArray<string> Tags { get; init; } = [];
    public bool Remove { get; init; }
}

public sealed record SetAttributeStep : Step
{
    public override string Kind => "set_attribute";
    public required string Name { get; init; }
    public required string Value { get; init; }
}

public sealed record WebhookStep : Step
{
    public override string Kind => "webhook";
    public required string Url { get; init; }
    public string? Event { get; init; }
}

public sealed record ReferralRewardStep : Step
{
    public override string Kind => "referral_reward";
    public long ReferrerPoints { get; init; }
    public long RefereePoints { get; init; }
    public string? HoldWhen { get; init; }
}

public sealed record EndStep : Step
{
    public override string Kind => "end";
    public InstanceOutcome Outcome { get; init; } = InstanceOutcome.Completed;
}

/// <summary><c>winner: { after: 14d, metric: conversion, confidence: 95 }</c>: declare a winner once the test has run long enough and one variant is better with that confidence.</summary>
public sealed record WinnerRule(TimeSpan After, string Metric, int Confidence)
{
    public override string ToString() => $"after {Duration.Format(After)}, {Metric}, min {Confidence}% confidence";
}
