using System.Text.Json.Serialization.Metadata;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// Leaves out get-only computed members of the workflows records (e.g. <c>JourneyInstance.IsActive</c>,
/// <c>CustomerState.CustomerId</c>): they are derived data, and storing them would only bloat documents.
/// </summary>
internal static class ComputedProperties
{
    public static void Drop(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Type.Assembly != typeof(CustomerState).Assembly) return;
        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            var property = info.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null) info.Properties.RemoveAt(i);
        }
    }
}
