namespace PrivateFlows.Host.Events;

/// <summary>What is wrong with an event, and where (<c>data.amount</c>, or <c>[3].subject</c> in a batch).</summary>
public sealed record FieldError(string Field, string Message)
{
    public FieldError InBatch(int index) => this with { Field = Field == "$" ? $"[{index}]" : $"[{index}].{Field}" };
}
