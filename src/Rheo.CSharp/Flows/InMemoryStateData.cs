using Rheo.Flows;
using Rheo.Runtime.States;
using Rheo.Runtime.Storage;

namespace Rheo.CSharp.Flows;

/// <summary>
/// State data held in memory, for <c>rheo states run</c> and tests: the <see cref="StoreStateData"/> client over an
/// <see cref="InMemoryRheoStore"/>; <see cref="ClientFor"/> gives the client a task of one execution sees.
/// </summary>
/// <remarks>Thread-safe. Items are stored as JSON text, so callers never share a mutable node with the store.</remarks>
public sealed class InMemoryStateData
{
    /// <summary>The table name local items live in.</summary>
    public const string DefaultTableName = StoreStateData.DefaultTableName;

    private readonly StoreStateData _data = new(new StateDataStore(new InMemoryRheoStore()));

    /// <summary>The client for the execution named <paramref name="executionName"/>: its local keys are <c>{executionName}:{key}</c>.</summary>
    public IStateDataClient ClientFor(string executionName) => _data.ClientFor(executionName);
}
