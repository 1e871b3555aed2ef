namespace PrivateFlows.Workflows.Segments;

/// <summary>Whether a customer is in a segment; <see cref="Error"/> says why the expression could not be evaluated (then not a member).</summary>
public sealed record SegmentMatch(string Segment, bool IsMember, string? Error = null);
