using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using PrivateFlows.Workflows.Engine;

namespace PrivateFlows.Runtime.Serialization;

/// <summary>
/// Leaves out of the stored customer document every property whose value is what a reader gets anyway when the
/// property is missing: the member's initializer (<c>Tier = "member"</c>, <c>Orders = new()</c>), a constructor
/// parameter's default, or an empty collection where the initializer is one. Reading the shorter JSON therefore
/// yields an equal record. Required members are always written (the reader insists on them).
/// </summary>
internal static class AbsentValues
{
    private static readonly ConcurrentDictionary<Type, object?> Prototypes = new();

    public static void Omit(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var ours = info.Type.Assembly == typeof(CustomerState).Assembly || info.Type == typeof(StoredDocumentFormat.Stored);
        foreach (var property in info.Properties)
        {
            if (property.Get is null) continue;
            var valueType = property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null;
            if (!ours || property.IsRequired || !TryAbsentValue(info.Type, property, out var absent))
            {
                // The options leave out default values of value types (no boxing); here that would lose data.
                if (valueType) property.ShouldSerialize = Always;
                continue;
            }

            // A value type whose absent value is its default is left to the options' WhenWritingDefault, which
            // compares without boxing. Decimals are not: 0.00m equals 0m there.
            if (valueType && property.PropertyType != typeof(decimal) && Equals(absent, DefaultOf(property.PropertyType))) continue;
            property.ShouldSerialize = (_, value) => !IsAbsent(value, absent);
        }
    }

    private static bool Always(object owner, object? value) => true;

    private static bool TryAbsentValue(Type type, JsonPropertyInfo property, out object? absent)
    {
        if (property.AssociatedParameter is { } parameter)
        {
            absent = parameter.HasDefaultValue ? parameter.DefaultValue : DefaultOf(parameter.ParameterType);
            return true;
        }

        var prototype = Prototypes.GetOrAdd(type, Create);
        absent = prototype is null ? null : property.Get!(prototype);
        return prototype is not null;
    }

    /// <summary>What the reader starts from: the parameterless constructor, else the constructor with its parameters' defaults.</summary>
    private static object? Create(Type type)
    {
        try
        {
            if (type.GetConstructor(Type.EmptyTypes) is { } parameterless) return parameterless.Invoke(null);
            var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderBy(c => c.GetParameters().Length).FirstOrDefault();
            return constructor?.Invoke([.. constructor.GetParameters().Select(p => p.HasDefaultValue ? p.DefaultValue : DefaultOf(p.ParameterType))]);
        }
        catch (TargetInvocationException)
        {
            return null; // a constructor that checks its arguments: only nulls are left out for this type
        }
    }

    private static object? DefaultOf(Type type) => type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null;

    private static bool IsAbsent(object? value, object? absent)
    {
        if (value is null) return absent is null;
        if (absent is null) return false;
        // 0.00m equals 0m but prints differently in templates: only the same digits count as absent.
        if (value is decimal d && absent is decimal a) return d == a && d.Scale == a.Scale;
        if (value is IEnumerable items and not string && absent is IEnumerable none and not string) return IsEmpty(items) && IsEmpty(none);
        // Records compare decimals by value (0.00m == 0m) and collections by reference: a nested record is written,
        // its own properties are left out one by one.
        return (value is string || value.GetType().IsValueType) && value.Equals(absent);
    }

    private static bool IsEmpty(IEnumerable items)
    {
        if (items is ICollection collection) return collection.Count == 0;
        var e = items.GetEnumerator();
        try
        {
            return !e.MoveNext();
        }
        finally
        {
            (e as IDisposable)?.Dispose();
        }
    }
}
