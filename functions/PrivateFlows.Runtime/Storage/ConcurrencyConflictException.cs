namespace PrivateFlows.Runtime.Storage;

/// <summary>The customer document changed since it was read (an ETag mismatch, HTTP 412 in Cosmos DB terms).</summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
    {
    }

    public ConcurrencyConflictException(string message) : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception inner) : base(message, inner)
    {
    }

    public static ConcurrencyConflictException For(string customerId, long expected) =>
        new($"customer '{customerId}' is no longer at version {expected}");
}
