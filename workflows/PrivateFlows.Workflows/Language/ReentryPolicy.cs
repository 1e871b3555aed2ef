namespace PrivateFlows.Workflows.Language;

/// <summary>May a customer enter a journey again? <c>once</c>, <c>always</c>, or <c>after 30d</c> since the last entry.</summary>
public sealed record ReentryPolicy(ReentryKind Kind, TimeSpan After)
{
    public static readonly ReentryPolicy Once = new(ReentryKind.Once, TimeSpan.Zero);
    public static readonly ReentryPolicy Always = new(ReentryKind.Always, TimeSpan.Zero);

    public override string ToString() => Kind switch
    {
        ReentryKind.Once => "once",
        ReentryKind.Always => "always",
        _ => $"after {Duration.Format(After)}",
    };
}

public enum ReentryKind { Once, Always, After }
