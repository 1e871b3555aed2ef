namespace PrivateFlows.Durable.Activities;

/// <summary>The activity functions the customer orchestration calls (the Functions app's shells carry these names).</summary>
public static class ActivityNames
{
    public const string JourneyVersions = "JourneyVersions";
    public const string DeliverMessage = "DeliverMessage";
    public const string WriteStep = "WriteStep";
    public const string CreditReferrer = "CreditReferrer";
}
