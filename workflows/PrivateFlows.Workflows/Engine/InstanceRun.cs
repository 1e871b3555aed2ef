using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PrivateFlows.Workflows.Conditions;
using PrivateFlows.Workflows.Customers;
using PrivateFlows.Workflows.Language;
using PrivateFlows.Workflows.Loyalty;
using PrivateFlows.Workflows.Referrals;
using PrivateFlows.Workflows.Templates;
using Scriban.Runtime;

namespace PrivateFlows.Workflows.Engine;

/// <summary>
/// Moves one instance through its journey until it waits or ends, writing history and effects as it goes.
/// Every id it makes comes from the instance id and its step sequence.
/// </summary>
internal sealed class InstanceRun(DecisionBuilder decision, JourneyVersion version, JourneyInstance instance)
{
    /// <summary>Guards against a runaway journey even though validation refuses loops without a wait.</summary>
    public const int MaxStepsPerDecision = 200;

    private readonly JourneyDefinition _journey = version.Definition;
    private JourneyInstance _instance = instance;

    /// <summary>Wait steps whose wait ended in this decision: reaching one again at the same instant waits for the next time.</summary>
    private readonly HashSet<string> _waitEndedNow = new(StringComparer.Ordinal);

    public JourneyInstance Instance => _instance;
    private DateTimeOffset Now => decision.Now;

    public void Start()
    {
        History(HistoryKind.Entered, null, $"entered on {_instance.EntryEvent.Type} ({_instance.EntryEvent.Id}), version {VersionLabel()}");
        RunFrom(_journey.Steps.IsEmpty ? null : _journey.Steps[0].Id);
        Save();
    }

    /// <summary>Offers an event to the instance: goal, then exit, then the event it waits for.</summary>
    public bool OnEvent(CustomerEvent e)
    {
        if (!_instance.IsActive) return false;
        var goal = _journey.Goal;
        if (goal is not null && goal.Event == e.Type && _instance.GoalDeadline is { } deadline && e.Time <= deadline && Condition(goal.Condition, e))
        {
            // The goal event's amount is the revenue attributed to the journey.
            if (e.DataDecimal("amount") is { } revenue)
            {
                _instance = _instance with { Vars = _instance.Vars.SetItem("goal_amount", revenue.ToString(CultureInfo.InvariantCulture)) };
            }

            End(InstanceOutcome.Converted, HistoryKind.GoalReached, $"goal {goal.Event} ({e.Id}) within {Duration.Format(goal.Within)}");
            return Save();
        }

        var exit = _journey.Exits.FirstOrDefault(x => x.Event == e.Type && Condition(x.Condition, e));
        if (exit is not null)
        {
            End(InstanceOutcome.Exited, HistoryKind.Exited, $"exit event {e.Type} ({e.Id})");
            return Save();
        }

        var waiting = _instance.Waiting;
        if (waiting?.Reason == WaitingReason.WaitFor && waiting.EventType == e.Type && _journey.FindStep(_instance.StepId!) is WaitForStep step)
        {
            if (waiting.Match.Any(m => e.DataString(m.Key) != m.Value)) return false;
            if (!Condition(step.Condition, e)) return false;
            CancelTimer();
            if (step.SaveAs is not null)
            {
                var vars = _instance.Vars;
                foreach (var (field, value) in e.Data)
                {
                    if (value is JsonValue v) vars = vars.SetItem($"{step.SaveAs}_{field}", ScriptModel.Format(ScriptModel.Json(v)));
                }

                _instance = _instance with { Vars = vars };
            }

            History(HistoryKind.EventMatched, step.Id, $"{e.Type} ({e.Id}) arrived");
            RunFrom(_journey.DefaultNext(step));
            return Save();
        }

        return false;
    }

    public bool OnTimer(TimerFired timer)
    {
        var deferred = _instance.DeferredSends.FirstOrDefault(d => d.TimerId == timer.TimerId);
        if (deferred is not null) return OnDeferredSendDue(deferred);

        var waiting = _instance.Waiting;
        if (!_instance.IsActive || waiting?.TimerId != timer.TimerId) return false; // stale: the instance moved on
        var step = _journey.FindStep(_instance.StepId!);
        if (step is null)
        {
            Fault($"step '{_instance.StepId}' no longer exists in version {VersionLabel()}");
            return Save();
        }

        _instance = _instance with { Waiting = null };
        switch (waiting.Reason)
        {
            case WaitingReason.Wait:
                History(HistoryKind.Waited, step.Id, $"waited until {Format(timer.DueAt)}");
                _waitEndedNow.Add(step.Id);
                RunFrom(_journey.DefaultNext(step));
                break;
            case WaitingReason.WaitFor:
                var waitFor = (WaitForStep)step;
                History(HistoryKind.TimedOut, step.Id, $"no {waitFor.Event} within {Duration.Format(waitFor.Timeout)}");
                RunFrom(waitFor.OnTimeout);
                break;
            case WaitingReason.Holdout:
                End(InstanceOutcome.Completed, HistoryKind.Completed, "holdout window over");
                break;
        }

        return Save();
    }

    public void Cancel(string reason)
    {
        if (_instance.Status == InstanceStatus.Ended) return;
        End(InstanceOutcome.Cancelled, HistoryKind.Cancelled, reason);
        Save();
    }

    public void Retry()
    {
        if (_instance.Status != InstanceStatus.Faulted) return;
        _instance = _instance with { Status = InstanceStatus.Active, Error = null };
        History(HistoryKind.Retried, _instance.StepId, $"retrying step '{_instance.StepId}'");
        RunFrom(_instance.StepId);
        Save();
    }

    private bool Save()
    {
        decision.State = decision.State.WithInstance(_instance);
        return true;
    }

    /// <summary>
    /// A deferred send falls due. It goes out if still relevant: the instance may have moved on (a deferral never
    /// holds up the journey), but not if it converted, exited, was cancelled or failed in the meantime.
    /// </summary>
    private bool OnDeferredSendDue(DeferredSend deferred)
    {
        _instance = _instance with { DeferredSends = _instance.DeferredSends.Remove(deferred), Sequence = _instance.Sequence + 1 };
        var step = _journey.FindStep(deferred.StepId) as SendStep;
        if (step is null)
        {
            History(HistoryKind.Suppressed, deferred.StepId, $"deferred send dropped: step '{deferred.StepId}' no longer exists");
        }
        else if (_instance.Status == InstanceStatus.Faulted || _instance.Outcome is InstanceOutcome.Converted or InstanceOutcome.Exited or InstanceOutcome.Cancelled or InstanceOutcome.Failed)
        {
            History(HistoryKind.Suppressed, step.Id, $"{step.Template} dropped: no longer relevant, the instance {(_instance.Status == InstanceStatus.Faulted ? "failed" : OutcomeWord(_instance.Outcome))}");
        }
        else
        {
            try
            {
                Send(step, deferred.Since);
            }
            catch (TemplateException e)
            {
                History(HistoryKind.Suppressed, step.Id, $"{step.Template} not sent: {e.Message}");
            }
        }

        return Save();
    }

    private static string OutcomeWord(InstanceOutcome? outcome) => outcome?.ToString().ToLowerInvariant() ?? "ended";

    private void RunFrom(string? stepId)
    {
        for (var count = 0; _instance.IsActive; count++)
        {
            if (count >= MaxStepsPerDecision)
            {
                Fault($"more than {MaxStepsPerDecision} steps without waiting");
                return;
            }

            if (stepId is null)
            {
                End(InstanceOutcome.Completed, HistoryKind.Completed, "reached the end of the journey");
                return;
            }

            var step = _journey.FindStep(stepId);
            if (step is null)
            {
                Fault($"step '{stepId}' does not exist in version {VersionLabel()}");
                return;
            }

            _instance = _instance with { StepId = step.Id, Sequence = _instance.Sequence + 1, Waiting = null };
            try
            {
                stepId = Execute(step, out var stop);
                if (stop) return;
            }
            catch (TemplateException e)
            {
                Fault(e.Message);
                return;
            }

        }
    }

    /// <summary>Runs one step; returns the next step id, or sets <paramref name="stop"/> when the instance now waits or ended.</summary>
    private string? Execute(Step step, out bool stop)
    {
        stop = false;
        var next = _journey.DefaultNext(step);
        switch (step)
        {
            case SendStep send:
                Send(send, null);
                return next;
            case WaitStep wait:
                var due = WaitDue(wait);
                if (due <= Now)
                {
                    History(HistoryKind.Waited, step.Id, $"wait already over at {Format(due)}");
                    return next;
                }

                due = TimerDue.RoundUp(due);

                stop = Wait(step, due, WaitingReason.Wait, null, $"until {Format(due)}");
                return next;
            case WaitUntilStep until:
                // Reached exactly at the time it waits for, the wait is over — unless this step's wait already ended
                // at this instant (a loop back to it, e.g. birthday-care's yearly loop), which waits for the next one.
                var at = WaitUntilDue(until, includeNow: !_waitEndedNow.Contains(step.Id));
                if (at <= Now)
                {
                    History(HistoryKind.Waited, step.Id, $"wait already over at {Format(at)}");
                    _waitEndedNow.Add(step.Id);
                    return next;
                }

                stop = Wait(step, at, WaitingReason.Wait, null, $"until {Format(at)} ({CustomerClock.ToLocal(at, decision.Profile.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {CustomerClock.Describe(decision.Profile.TimeZone)})");
                return next;
            case WaitForStep waitFor:
                var match = waitFor.Match.ToImmutableSortedDictionary(m => m.Key, m => ScriptModel.Format(Evaluate(m.Value)), StringComparer.Ordinal);
                var timeoutAt = TimerDue.RoundUp(Now + waitFor.Timeout);
                var matchText = match.IsEmpty ? "" : $" ({string.Join(", ", match.Select(m => $"{m.Key} = {m.Value}"))})";
                stop = Wait(step, timeoutAt, WaitingReason.WaitFor, w => w with { EventType = waitFor.Event, Match = match }, $"for {waitFor.Event}{matchText} until {Format(timeoutAt)}");
                return next;
            case BranchStep branch:
                foreach (var c in branch.Cases)
                {
                    if (c.When is null)
                    {
                        History(HistoryKind.Branched, step.Id, $"no condition true → {c.Next}");
                        return c.Next;
                    }

                    if (IsTrue(c.When))
                    {
                        History(HistoryKind.Branched, step.Id, $"{c.When} → {c.Next}");
                        return c.Next;
                    }
                }

                History(HistoryKind.Branched, step.Id, $"no condition true → {next ?? "end"}");
                return next;
            case SplitStep split:
                return Split(split, out stop);
            case AwardPointsStep award:
                var points = PointsLimits.Clamp(long.TryParse(award.Points, NumberStyles.Integer, CultureInfo.InvariantCulture, out var literal)
                    ? literal
                    : AwardedPoints(Evaluate(award.Points)));
                var reason = award.Reason ?? $"{_journey.Name}/{step.Id}";
                var pointsId = EffectId("points");
                var pointsExpire = points > 0 ? decision.Context.Program.Loyalty.Expiry.ExpiresAt(Now, decision.Profile.TimeZone) : null;
                decision.Effects.Add(new AwardPoints(pointsId, _instance.CustomerId, _instance.InstanceId, points, reason) { ExpiresAt = pointsExpire });
                LoyaltyDecision.Credit(decision, new PointsLedgerEntry(pointsId, _instance.CustomerId, Now, points, PointsRules.Journey, reason) { ExpiresAt = pointsExpire });
                History(HistoryKind.Action, step.Id, $"awarded {points} points ({reason})");
                return next;
            case IssueCouponStep coupon:
                var code = $"{coupon.Coupon}-{DeterministicIds.Hash(_instance.InstanceId, step.Id, _instance.Sequence.ToString(CultureInfo.InvariantCulture))[..8].ToUpperInvariant()}";
                DateTimeOffset? expires = coupon.Valid is { } valid ? Now + valid : null;
                decision.Effects.Add(new IssueCoupon(EffectId("coupon"), _instance.CustomerId, _instance.InstanceId, coupon.Coupon, code, coupon.Amount, expires));
                var expiresText = expires is { } x ? CustomerClock.ToLocal(x, decision.Profile.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
                _instance = _instance with
                {
                    Vars = _instance.Vars
                        .SetItem("coupon_code", code)
                        .SetItem("coupon_amount", coupon.Amount.ToString("0.##", CultureInfo.InvariantCulture))
                        .SetItem("coupon_expires", expiresText),
                };
                History(HistoryKind.Action, step.Id, $"issued coupon {code} ({coupon.Amount.ToString("0.##", CultureInfo.InvariantCulture)}{(expiresText.Length > 0 ? $", valid until {expiresText}" : "")})");
                return next;
            case TagStep tag:
                decision.UpdateProfile(p => p with { Tags = tag.Remove ? p.Tags.Except(tag.Tags) : p.Tags.Union(tag.Tags) });
                decision.Effects.Add(new ChangeTags(EffectId(tag.Remove ? "untag" : "tag"), _instance.CustomerId, _instance.InstanceId, tag.Remove ? [] : tag.Tags, tag.Remove ? tag.Tags : []));
                History(HistoryKind.Action, step.Id, $"{(tag.Remove ? "removed tag" : "tagged")} {string.Join(", ", tag.Tags)}");
                return next;
            case SetAttributeStep attribute:
                var value = ScriptModel.Format(Evaluate(attribute.Value));
                decision.UpdateProfile(p => p with { Attributes = p.Attributes.SetItem(attribute.Name, value) });
                decision.Effects.Add(new SetAttribute(EffectId("attribute"), _instance.CustomerId, _instance.InstanceId, attribute.Name, value));
                History(HistoryKind.Action, step.Id, $"set {attribute.Name} = {value}");
                return next;
            case WebhookStep webhook:
                var body = new JsonObject
                {
                    ["event"] = webhook.Event ?? $"{_journey.Name}.{step.Id}",
                    ["journey"] = _journey.Name,
                    ["version"] = _instance.Version,
                    ["instanceId"] = _instance.InstanceId,
                    ["step"] = step.Id,
                    ["customerId"] = _instance.CustomerId,
                    ["time"] = Format(Now),
                    ["variant"] = _instance.Variant,
                };
                decision.Effects.Add(new CallWebhook(EffectId("webhook"), _instance.CustomerId, _instance.InstanceId, webhook.Url, body.ToJsonString(new JsonSerializerOptions { WriteIndented = false })));
                History(HistoryKind.Action, step.Id, $"called webhook {webhook.Url}");
                return next;
            case ReferralRewardStep reward:
                Reward(reward);
                return next;
            case EndStep end:
                End(end.Outcome, end.Outcome switch { InstanceOutcome.Converted => HistoryKind.GoalReached, InstanceOutcome.Exited => HistoryKind.Exited, _ => HistoryKind.Completed }, $"ended at step '{step.Id}'");
                stop = true;
                return null;
            default:
                throw new InvalidOperationException($"unknown step kind {step.Kind}");
        }
    }

    private void Send(SendStep send, DateTimeOffset? deferredSince)
    {
        var category = send.Category ?? _journey.Category;
        var check = ContactArbiter.Check(decision.Profile, decision.State.RecentSends, send.Channel, category, Now, decision.Context.Policy);
        if (!check.Allowed)
        {
            if (check.Block == ContactBlock.Consent || check.RetryAt is null)
            {
                History(HistoryKind.Suppressed, send.Id, $"{send.Template} not sent: {check.Reason}");
                return;
            }

            if (send.OnLimit == OnLimit.Drop)
            {
                History(HistoryKind.Suppressed, send.Id, $"{send.Template} dropped: {check.Reason}");
                return;
            }

            var since = deferredSince ?? Now;
            if (check.RetryAt.Value - since > decision.Context.Policy.MaxDeferral)
            {
                History(HistoryKind.Suppressed, send.Id, $"{send.Template} dropped: {check.Reason}, and deferring past {Duration.Format(decision.Context.Policy.MaxDeferral)} makes it irrelevant");
                return;
            }

            // The send waits on its own timer; the journey goes on, so later events are not missed meanwhile.
            var timerId = EffectId("deferred");
            var retryAt = TimerDue.RoundUp(check.RetryAt.Value);
            decision.Effects.Add(new ScheduleTimer(timerId, _instance.CustomerId, timerId, _instance.InstanceId, retryAt));
            _instance = _instance with { DeferredSends = _instance.DeferredSends.Add(new DeferredSend(timerId, send.Id, since, retryAt)) };
            History(HistoryKind.Deferred, send.Id, $"{send.Template} deferred until {Format(retryAt)}: {check.Reason}");
            return;
        }

        var message = MessageRenderer.Render(version, send.Template, category, decision.Profile.Locale, Model(decision.Event), send.Channel);
        var effectId = EffectId("send");
        decision.Effects.Add(new SendMessage(effectId, _instance.CustomerId, _instance.InstanceId, _journey.Name, send.Id, send.Channel, category, send.Template, message.Locale, message.Subject, message.Body, Address(send.Channel)));
        decision.State = decision.State with { RecentSends = decision.State.RecentSends.Add(new SendRecord(Now, send.Channel, category, _journey.Name, effectId)) };
        History(HistoryKind.Sent, send.Id, $"{send.Channel} {send.Template} [{message.Locale}]: {(message.Subject is null ? "" : message.Subject + " — ")}{message.Body}");
    }

    private string? Address(string channel) => channel switch
    {
        Channels.Email => decision.Profile.Email,
        Channels.Sms => decision.Profile.Phone,
        _ => decision.Profile.Channels.GetValueOrDefault(channel)?.Address ?? decision.Profile.CustomerId,
    };

    private bool Wait(Step step, DateTimeOffset until, WaitingReason reason, Func<Waiting, Waiting>? shape, string detail)
    {
        until = TimerDue.RoundUp(until); // timers have millisecond resolution in every store
        var timerId = EffectId("timer");
        var waiting = new Waiting { TimerId = timerId, Until = until, Reason = reason };
        _instance = _instance with { Waiting = shape is null ? waiting : shape(waiting) };
        decision.Effects.Add(new ScheduleTimer(timerId, _instance.CustomerId, timerId, _instance.InstanceId, until));
        History(HistoryKind.Waiting, step.Id, detail);
        return true;
    }

    /// <summary>An award_points expression's value as whole points, clamped; a value that is not a number is a template error, not a crash.</summary>
    private static long AwardedPoints(object? value)
    {
        if (value is null) return 0;
        var text = ScriptModel.Format(value);
        // Rounded to the nearest whole point, as Convert.ToInt64 did before the clamp.
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? PointsLimits.FromDecimal(Math.Round(n))
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? (d >= PointsLimits.MaxPoints ? PointsLimits.MaxPoints : d <= -PointsLimits.MaxPoints ? -PointsLimits.MaxPoints : (long)Math.Round(d))
                : throw new TemplateException($"award_points: '{text}' is not a number of points");
    }

    private DateTimeOffset WaitDue(WaitStep wait)
    {
        var from = wait.FromEntry ? _instance.EntryEvent.Time : Now;
        if (wait.Duration is { } d) return from + d;
        object? days = null;
        try
        {
            days = Evaluate(wait.DaysExpression!);
        }
        catch (TemplateException) when (wait.Default is not null)
        {
            // Fall back to the default below: a missing use cycle must not stall the journey.
        }

        if (days is not null && decimal.TryParse(ScriptModel.Format(days), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return from + TimeSpan.FromDays((double)n);
        }

        return from + (wait.Default ?? throw new TemplateException($"wait '{wait.Id}': '{wait.DaysExpression}' gave no number of days and there is no default"));
    }

    private DateTimeOffset WaitUntilDue(WaitUntilStep until, bool includeNow)
    {
        var zone = decision.Profile.TimeZone;
        if (until.DateExpression is null) return CustomerClock.NextTimeOfDay(Now, until.Time, zone, includeNow);
        var text = ScriptModel.Format(Evaluate(until.DateExpression));
        var parts = text.Split('-');
        if (parts.Length >= 2
            && int.TryParse(parts[^2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var month)
            && int.TryParse(parts[^1][..Math.Min(2, parts[^1].Length)], NumberStyles.Integer, CultureInfo.InvariantCulture, out var day)
            && month is >= 1 and <= 12 && day is >= 1 and <= 31)
        {
            return CustomerClock.NextAnnual(Now, month, day, until.Time, zone, includeNow);
        }

        throw new TemplateException($"wait_until '{until.Id}': '{until.DateExpression}' gave '{text}', not a MM-dd or yyyy-MM-dd date");
    }

    private string? Split(SplitStep split, out bool stop)
    {
        stop = false;
        var customer = _instance.CustomerId;
        if (split.Holdout > 0 && DeterministicIds.Bucket(customer, _journey.Name, "holdout", 100) < split.Holdout)
        {
            _instance = _instance with { Variant = "holdout" };
            History(HistoryKind.HeldOut, split.Id, $"held out ({split.Holdout}% holdout): receives nothing, measured against the goal");
            if (_instance.GoalDeadline is { } goalDeadline && goalDeadline > Now)
            {
                var deadline = TimerDue.RoundUp(goalDeadline);
                stop = Wait(split, deadline, WaitingReason.Holdout, null, $"holdout until the goal window ends {Format(deadline)}");
                return null;
            }

            End(InstanceOutcome.Completed, HistoryKind.Completed, "held out");
            stop = true;
            return null;
        }

        if (split.Winner is not null && decision.Context.Winners.TryGetValue(_journey.Name, out var winner) && split.Variants.FirstOrDefault(v => v.Name == winner) is { } won)
        {
            _instance = _instance with { Variant = won.Name, Vars = _instance.Vars.SetItem("variant", won.Name) };
            History(HistoryKind.SplitVariant, split.Id, $"variant {won.Name} → {won.Next} (declared winner: {split.Winner})");
            return won.Next;
        }

        var total = split.Variants.Sum(v => v.Weight);
        var point = DeterministicIds.Bucket(customer, _journey.Name, "variant", 10_000) * total / 10_000;
        foreach (var variant in split.Variants)
        {
            if (point < variant.Weight)
            {
                _instance = _instance with { Variant = variant.Name, Vars = _instance.Vars.SetItem("variant", variant.Name) };
                History(HistoryKind.SplitVariant, split.Id, $"variant {variant.Name} → {variant.Next}");
                return variant.Next;
            }

            point -= variant.Weight;
        }

        var last = split.Variants[^1];
        _instance = _instance with { Variant = last.Name };
        History(HistoryKind.SplitVariant, split.Id, $"variant {last.Name} → {last.Next}");
        return last.Next;
    }

    /// <summary>
    /// Rewards both sides of the referral that started the instance, unless an anti-fraud rule
    /// (<see cref="ReferralFraudCheck"/>) or the step's <c>hold_when</c> holds it for review. Sets
    /// <c>vars.referral_held</c> ("true"/"false") and <c>vars.referral_hold_reason</c> for the steps after it.
    /// </summary>
    private void Reward(ReferralRewardStep reward)
    {
        var entry = _instance.EntryEvent;
        var profile = decision.Profile;
        var referrer = entry.DataString("referrerId") is { Length: > 0 } named ? named : profile.ReferredBy?.ReferrerId ?? "";
        var facts = referrer.Length > 0 ? decision.Context.Referrers.GetValueOrDefault(referrer) : null;
        var holds = ReferralFraudCheck.Check(profile, entry, facts, decision.Context.Program.Referral).ToBuilder();
        if (reward.HoldWhen is not null && IsTrue(reward.HoldWhen)) holds.Add(new ReferralHold(ReferralHold.HoldRule, $"hold rule: {reward.HoldWhen}"));
        var held = holds.Count > 0;
        var hold = held ? string.Join("; ", holds.Select(h => h.Reason)) : null;
        var effectId = EffectId("referral");
        var expires = !held && reward.RefereePoints > 0 ? decision.Context.Program.Loyalty.Expiry.ExpiresAt(Now, profile.TimeZone) : null;
        decision.Effects.Add(new RewardReferral(effectId, _instance.CustomerId, _instance.InstanceId, referrer, reward.ReferrerPoints, reward.RefereePoints, held, hold)
        {
            HoldCodes = [.. holds.Select(h => h.Code).Distinct(StringComparer.Ordinal)],
            RefereeExpiresAt = expires,
            At = Now,
        });
        ReferralDecision.Record(decision, new ReferralReward(effectId, _instance.InstanceId, referrer, reward.ReferrerPoints, reward.RefereePoints, held ? ReferralRewardStatus.Held : ReferralRewardStatus.Paid, Now)
        {
            Holds = holds.ToImmutable(),
        }, entry);
        _instance = _instance with { Vars = _instance.Vars.SetItem("referral_held", held ? "true" : "false").SetItem("referral_hold_reason", hold ?? "") };
        if (!held)
        {
            if (reward.RefereePoints != 0)
            {
                LoyaltyDecision.Credit(decision, new PointsLedgerEntry($"{effectId}/referee", _instance.CustomerId, Now, reward.RefereePoints, PointsRules.ReferralReferee, $"referral reward (referred by {referrer})")
                {
                    ExpiresAt = expires,
                });
            }

            History(HistoryKind.Action, reward.Id, $"referral reward paid: {reward.ReferrerPoints} points to {referrer}, {reward.RefereePoints} points to {_instance.CustomerId}");
        }
        else
        {
            History(HistoryKind.Action, reward.Id, $"referral reward held for review: {hold}");
        }
    }

    private void End(InstanceOutcome outcome, HistoryKind kind, string detail)
    {
        CancelTimer();
        if (outcome != InstanceOutcome.Completed) DropDeferredSends(OutcomeWord(outcome));
        // An ended instance stays on the customer for a while (re-entry, explain, cancel says "already ended"), but its
        // entry event's payload is no longer read; dropping it keeps the document small (history keeps the event id).
        _instance = _instance with
        {
            Status = InstanceStatus.Ended, Outcome = outcome, EndedAt = Now, Waiting = null,
            EntryEvent = _instance.EntryEvent with { Data = [] },
        };
        decision.Effects.Add(new CompleteInstance(EffectId("complete"), _instance.CustomerId, _instance.InstanceId, _journey.Name, outcome, _instance.Variant));
        History(kind, _instance.StepId, $"{outcome.ToString().ToLowerInvariant()}: {detail}");
    }

    /// <summary>Parks the instance with an error that surfaced outside a step (e.g. a goal condition that cannot be evaluated).</summary>
    public void Fail(string error)
    {
        Fault(error);
        Save();
    }

    private void Fault(string error)
    {
        CancelTimer();
        _instance = _instance with { Status = InstanceStatus.Faulted, Error = error, Waiting = null };
        History(HistoryKind.Faulted, _instance.StepId, error);
    }

    /// <summary>Deferred sends of a converted, exited or cancelled instance are no longer relevant.</summary>
    private void DropDeferredSends(string why)
    {
        foreach (var deferred in _instance.DeferredSends)
        {
            decision.Effects.Add(new CancelTimer(EffectId($"drop-{DeterministicIds.Hash(deferred.TimerId)[..8]}"), _instance.CustomerId, deferred.TimerId, _instance.InstanceId));
            var template = (_journey.FindStep(deferred.StepId) as SendStep)?.Template ?? deferred.StepId;
            History(HistoryKind.Suppressed, deferred.StepId, $"{template} dropped: no longer relevant, the instance {why}");
        }

        _instance = _instance with { DeferredSends = [] };
    }

    private void CancelTimer()
    {
        if (_instance.Waiting?.TimerId is { } timerId)
        {
            decision.Effects.Add(new CancelTimer(EffectId("cancel"), _instance.CustomerId, timerId, _instance.InstanceId));
        }
    }

    private void History(HistoryKind kind, string? step, string detail)
    {
        var id = $"{_instance.InstanceId}/h{_instance.HistoryCount.ToString(CultureInfo.InvariantCulture)}";
        _instance = _instance with { HistoryCount = _instance.HistoryCount + 1 };
        decision.Effects.Add(new RecordHistory(id, _instance.CustomerId, new HistoryEntry(id, _instance.InstanceId, _journey.Name, Now, kind, step, detail)));
    }

    private string EffectId(string kind) => $"{_instance.InstanceId}/{_instance.Sequence.ToString(CultureInfo.InvariantCulture)}/{kind}";

    private ExpressionInputs Inputs(CustomerEvent? e) => ExpressionInputs.For(decision.Profile, e ?? _instance.EntryEvent, _instance, Now, decision.Context.Program);

    private ScriptObject Model(CustomerEvent? e) => Inputs(e).Model();

    private object? Evaluate(string expression) => JourneyExpressions.Evaluate(expression, Inputs(decision.Event));

    private bool IsTrue(string expression) => JourneyExpressions.IsTrue(expression, Inputs(decision.Event));

    private bool Condition(string? expression, CustomerEvent e) =>
        expression is null || JourneyExpressions.IsTrue(expression, Inputs(e));

    private string VersionLabel() => version.Number > 0 ? $"{version.Number} ({version.Version})" : version.Version;

    internal static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
