using System.Text.Json.Nodes;

namespace Rheo.Flows;

/// <summary>
/// The state data client: puts and gets items too large for the state data (the Step Functions payload limit), and
/// returns small pointers that travel in the data instead.
/// </summary>
/// <remarks>
/// Local methods address items of the current execution by a simple key (the partition key is
/// <c>{execution name}:{key}</c>); global methods take a table name and a full partition key, so they reach items
/// another execution or project stored. Put methods return the pointer <c>{"table_name", "partition_key", "key"}</c>;
/// <see cref="PutItemsAsync"/> adds <c>"items"</c>, one <c>1</c> per item, which a Map state fans out over.
/// Implementations are thread-safe. This is the port the application store implements; <c>rheo states run</c> uses an
/// in-memory one.
/// </remarks>
public interface IStateDataClient
{
    /// <summary>Stores <paramref name="data"/> under a local key (and array index).</summary>
    Task<JsonObject> PutItemAsync(string key, JsonNode? data, int index = 0, CancellationToken cancellationToken = default);

    /// <summary>Stores each item under the local key at its array index; the pointer has one <c>1</c> per item in <c>items</c>.</summary>
    Task<JsonObject> PutItemsAsync(string key, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default);

    /// <summary>Loads the item stored under a local key (and array index); throws <see cref="KeyNotFoundException"/> when there is none.</summary>
    Task<JsonNode?> GetItemAsync(string key, int index = 0, CancellationToken cancellationToken = default);

    /// <summary>Loads every item stored under a local key, ordered by index.</summary>
    Task<IReadOnlyList<JsonNode?>> GetItemsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="data"/> under a full partition key of any table.</summary>
    Task<JsonObject> PutGlobalItemAsync(string tableName, string partitionKey, JsonNode? data, int index = 0, CancellationToken cancellationToken = default);

    /// <summary>Stores each item under a full partition key at its array index.</summary>
    Task<JsonObject> PutGlobalItemsAsync(string tableName, string partitionKey, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default);

    /// <summary>Loads the item stored under a full partition key; throws <see cref="KeyNotFoundException"/> when there is none.</summary>
    Task<JsonNode?> GetGlobalItemAsync(string tableName, string partitionKey, int index = 0, CancellationToken cancellationToken = default);

    /// <summary>Loads every item stored under a full partition key, ordered by index.</summary>
    Task<IReadOnlyList<JsonNode?>> GetGlobalItemsAsync(string tableName, string partitionKey, CancellationToken cancellationToken = default);

    /// <summary>In a Map iterator's task: loads this iteration's item, from <c>items_result_key</c> and <c>context_index</c> of the input.</summary>
    Task<JsonNode?> GetItemForMapIterationAsync(JsonNode? input, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="GetItemForMapIterationAsync"/> for items another execution stored (<c>items_result_table_name</c>, <c>items_result_partition_key</c>).</summary>
    Task<JsonNode?> GetGlobalItemForMapIterationAsync(JsonNode? input, CancellationToken cancellationToken = default);

    /// <summary>In a Map iterator's task: replaces this iteration's item.</summary>
    Task<JsonObject> PutItemForMapIterationAsync(JsonNode? input, JsonNode? item, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="PutItemForMapIterationAsync"/> for items another execution stored.</summary>
    Task<JsonObject> PutGlobalItemForMapIterationAsync(JsonNode? input, JsonNode? item, CancellationToken cancellationToken = default);
}
