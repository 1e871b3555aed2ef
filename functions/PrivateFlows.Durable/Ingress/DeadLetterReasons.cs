namespace PrivateFlows.Durable.Ingress;

/// <summary>The reason codes on dead-lettered customer events (the description says which field and why).</summary>
public static class DeadLetterReasons
{
    /// <summary>The body is not a JSON object.</summary>
    public const string InvalidJson = "invalid-json";

    /// <summary>The body is JSON but not a valid CloudEvent for a customer (a required field is missing or malformed).</summary>
    public const string InvalidEvent = "invalid-event";

    /// <summary>The event's subject (customer id) is not the message's session id: it would run in another customer's order.</summary>
    public const string SubjectNotSession = "subject-not-session";

    /// <summary>The customer's orchestration failed or was terminated.</summary>
    public const string CustomerUnavailable = "customer-unavailable";
}
