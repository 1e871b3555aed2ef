namespace PrivateFlows.Runtime.Storage;

/// <summary>Counts that tell ops whether the engine keeps up.</summary>
public interface IEngineStatus
{
    Task<StoreStatus> ReadStatusAsync(CancellationToken cancellationToken = default);
}
