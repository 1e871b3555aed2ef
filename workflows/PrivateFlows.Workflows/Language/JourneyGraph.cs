using System.Text;

namespace PrivateFlows.Workflows.Language;

/// <summary>Draws a journey as a Mermaid flowchart (the dashboard and <c>privateflows graph</c> use it).</summary>
public static class JourneyGraph
{
    public static string ToMermaid(JourneyDefinition journey)
    {
        var sb = new StringBuilder();
        sb.AppendLine("flowchart TD");
        var entry = string.Join(" / ", journey.Entry.Events);
        sb.AppendLine($"    entry([\"entry: {Escape(entry)}\"])");
        if (!journey.Steps.IsEmpty) sb.AppendLine($"    entry --> {Node(journey.Steps[0].Id)}");
        var ends = false;
        foreach (var step in journey.Steps)
        {
            sb.AppendLine($"    {Node(step.Id)}{Shape(step)}");
        }

        foreach (var step in journey.Steps)
        {
            switch (step)
            {
                case BranchStep branch:
                    foreach (var c in branch.Cases) sb.AppendLine($"    {Node(step.Id)} -->|\"{Escape(c.When ?? "else")}\"| {Node(c.Next)}");
                    if (branch.Cases.All(c => c.When is not null)) Edge(step, journey.DefaultNext(step), null);
                    break;
                case SplitStep split:
                    if (split.Holdout > 0)
                    {
                        sb.AppendLine($"    {Node(step.Id)} -->|\"holdout {split.Holdout}%\"| holdout([holdout])");
                    }

                    foreach (var v in split.Variants) sb.AppendLine($"    {Node(step.Id)} -->|\"{Escape(v.Name)} {v.Weight}\"| {Node(v.Next)}");
                    break;
                case WaitForStep waitFor:
                    Edge(step, journey.DefaultNext(step), waitFor.Event);
                    sb.AppendLine($"    {Node(step.Id)} -->|\"timeout {Duration.Format(waitFor.Timeout)}\"| {Node(waitFor.OnTimeout)}");
                    break;
                case EndStep:
                    break;
                default:
                    Edge(step, journey.DefaultNext(step), null);
                    break;
            }
        }

        if (ends) sb.AppendLine("    done([end])");
        if (journey.Goal is { } goal) sb.AppendLine($"    goal{{{{\"goal: {Escape(goal.Event)} within {Duration.Format(goal.Within)}\"}}}}");
        foreach (var exit in journey.Exits) sb.AppendLine($"    exit_{Node(exit.Event)}[/\"exit: {Escape(exit.Event)}\"/]");
        return sb.ToString().Replace("    done([end])\n", "", StringComparison.Ordinal) + (ends ? "    done([end])\n" : "");

        void Edge(Step from, string? to, string? label)
        {
            if (to is null) ends = true;
            var target = to is null ? "done" : Node(to);
            sb.AppendLine(label is null ? $"    {Node(from.Id)} --> {target}" : $"    {Node(from.Id)} -->|\"{Escape(label)}\"| {target}");
        }
    }

    private static string Shape(Step step)
    {
        var label = Escape(Label(step));
        return step switch
        {
            BranchStep => $"{{\"{label}\"}}",
            SplitStep => $"{{\"{label}\"}}",
            WaitStep or WaitUntilStep or WaitForStep => $"([\"{label}\"])",
            EndStep => $"((\"{label}\"))",
            _ => $"[\"{label}\"]",
        };
    }

    public static string Label(Step step) => step switch
    {
        SendStep s => $"{step.Id}: send {s.Channel} {s.Template}",
        WaitStep w => w.Duration is { } d ? $"{step.Id}: wait {Duration.Format(d)}" : $"{step.Id}: wait {w.DaysExpression} days",
        WaitUntilStep u => $"{step.Id}: wait until {u.Time:HH\\:mm}{(u.DateExpression is null ? "" : $" on {u.DateExpression}")}",
        WaitForStep f => $"{step.Id}: wait for {f.Event}",
        AwardPointsStep a => $"{step.Id}: award {a.Points} points",
        IssueCouponStep c => $"{step.Id}: coupon {c.Coupon}",
        EndStep e => $"{step.Id}: {e.Outcome.ToString().ToLowerInvariant()}",
        _ => $"{step.Id}: {step.Kind.Replace('_', ' ')}",
    };

    private static string Node(string id) => "s_" + new string(id.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private static string Escape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal);
}
