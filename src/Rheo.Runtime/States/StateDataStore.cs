using System.Text.Json.Nodes;
using Rheo.Runtime.Storage;

namespace Rheo.Runtime.States;

/// <summary>
/// State data in an application's store: JSON items under a table name and a partition key, each at an index. Large
/// results of state machine tasks live here, and only a pointer to them travels in the execution's data.
/// </summary>
/// <remarks>
/// Items belong to the store, not to an application, so every application and process on the same store sees the same
/// items (that is how a task reaches what another execution or project stored). Items are kept as JSON text: a caller
/// never shares a mutable node with the store. Thread-safe, as the store is; it lives as long as the store it wraps
/// (an application's, until the application is disposed).
/// </remarks>
public sealed class StateDataStore
{
    private readonly IRheoStore _store;

    /// <summary>Wraps a store; an application gives its own as <c>Application.StateData</c>.</summary>
    public StateDataStore(IRheoStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Stores <paramref name="item"/> at <paramref name="index"/>, replacing what was there.</summary>
    public Task PutItemAsync(string table, string partitionKey, JsonNode? item, int index = 0, CancellationToken cancellationToken = default) =>
        _store.PutStateItemsAsync(table, partitionKey, [new StateItem(index, Json(item))], cancellationToken);

    /// <summary>Stores the items at indexes 0, 1, ... in one transaction and returns how many there were.</summary>
    /// <remarks>Items already stored at higher indexes stay: put the same number of items, or delete the key first.</remarks>
    public async Task<int> PutItemsAsync(string table, string partitionKey, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        StateItem[] stored = [.. items.Select((item, index) => new StateItem(index, Json(item)))];
        await _store.PutStateItemsAsync(table, partitionKey, stored, cancellationToken).ConfigureAwait(false);
        return stored.Length;
    }

    /// <summary>Loads the item at <paramref name="index"/>.</summary>
    /// <exception cref="KeyNotFoundException">No item is stored there; the message names the table, partition key and index.</exception>
    public async Task<JsonNode?> GetItemAsync(string table, string partitionKey, int index = 0, CancellationToken cancellationToken = default)
    {
        var json = await _store.GetStateItemAsync(table, partitionKey, index, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No state data item: partition_key={partitionKey} sort_key={index} table_name={table}.");
        return JsonNode.Parse(json);
    }

    /// <summary>Loads every item under the partition key in index order; empty when there is none.</summary>
    public async Task<IReadOnlyList<JsonNode?>> GetItemsAsync(string table, string partitionKey, CancellationToken cancellationToken = default) =>
        [.. (await _store.GetStateItemsAsync(table, partitionKey, cancellationToken).ConfigureAwait(false)).Select(i => JsonNode.Parse(i.Json))];

    /// <summary>Removes every item under the partition key and returns how many there were.</summary>
    public Task<int> DeleteItemsAsync(string table, string partitionKey, CancellationToken cancellationToken = default) =>
        _store.DeleteStateItemsAsync(table, partitionKey, cancellationToken);

    private static string Json(JsonNode? item) => item?.ToJsonString() ?? "null";
}
