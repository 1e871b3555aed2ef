using System.Reflection;
using System.Runtime.ExceptionServices;
using PrivateFlows.Runtime.Storage;

namespace PrivateFlows.Functions.Tests.Support;

/// <summary>Switches that make the store fail like an unavailable database, shared by a test and its host.</summary>
public sealed class StoreFaults
{
    /// <summary>Names of <see cref="IJourneyStore"/> methods that throw while set (e.g. <c>CommitStepAsync</c>).</summary>
    public HashSet<string> Failing { get; } = new(StringComparer.Ordinal);

    private int _failures;

    public int Failures => Volatile.Read(ref _failures);

    public void Failed() => Interlocked.Increment(ref _failures);
}

/// <summary>
/// A decorator over the real store (a <see cref="DispatchProxy"/>, so it follows the interface as it grows) that throws
/// <see cref="IOException"/> from the methods named in <see cref="StoreFaults.Failing"/>.
/// </summary>
public class FailingStore : DispatchProxy
{
    private IJourneyStore _inner = null!;
    private StoreFaults _faults = null!;

    public static IJourneyStore Wrap(IJourneyStore inner, StoreFaults faults)
    {
        var proxy = Create<IJourneyStore, FailingStore>();
        var self = (FailingStore)(object)proxy;
        self._inner = inner;
        self._faults = faults;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        bool failing;
        lock (_faults.Failing) failing = _faults.Failing.Contains(targetMethod.Name);
        if (failing)
        {
            _faults.Failed();
            throw new IOException($"store unavailable ({targetMethod.Name}, simulated)");
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
