using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.Flows;
using Rheo.Runtime.States;

namespace Rheo.CSharp.Flows;

/// <summary>
/// The state data client of flow tasks over an application store's state data: <see cref="ClientFor"/> gives the client
/// a task of one execution sees, for <see cref="FlowProgramOptions.StateData"/>.
/// </summary>
/// <remarks>
/// Local items live in <see cref="DefaultTableName"/> under <c>{execution name}:{key}</c>; global ones under any table
/// and partition key. Put methods return the pointer <c>{"table_name", "partition_key"}</c> (with <c>"key"</c> for local
/// items and <c>"items"</c>, one <c>1</c> per item, for <c>PutItems</c>) that a Map state fans out over. Thread-safe.
/// </remarks>
/// <example><c>new FlowProgramOptions { StateData = new StoreStateData(app.StateData).ClientFor }</c></example>
public sealed class StoreStateData
{
    /// <summary>The table name local items live in.</summary>
    public const string DefaultTableName = "rheo-state-data";

    private readonly StateDataStore _store;

    /// <summary>Serves clients from <paramref name="store"/>, e.g. <c>Application.StateData</c>.</summary>
    public StoreStateData(StateDataStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The client for the execution named <paramref name="executionName"/>: its local keys are <c>{executionName}:{key}</c>.</summary>
    public IStateDataClient ClientFor(string executionName)
    {
        ArgumentNullException.ThrowIfNull(executionName);
        return new Client(_store, executionName);
    }

    private sealed class Client(StateDataStore store, string executionName) : IStateDataClient
    {
        public async Task<JsonObject> PutItemAsync(string key, JsonNode? data, int index = 0, CancellationToken cancellationToken = default) =>
            WithKey(await PutGlobalItemAsync(DefaultTableName, Local(key), data, index, cancellationToken).ConfigureAwait(false), key);

        public async Task<JsonObject> PutItemsAsync(string key, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default) =>
            WithKey(await PutGlobalItemsAsync(DefaultTableName, Local(key), items, cancellationToken).ConfigureAwait(false), key);

        public Task<JsonNode?> GetItemAsync(string key, int index = 0, CancellationToken cancellationToken = default) =>
            store.GetItemAsync(DefaultTableName, Local(key), index, cancellationToken);

        public Task<IReadOnlyList<JsonNode?>> GetItemsAsync(string key, CancellationToken cancellationToken = default) =>
            store.GetItemsAsync(DefaultTableName, Local(key), cancellationToken);

        public async Task<JsonObject> PutGlobalItemAsync(string tableName, string partitionKey, JsonNode? data, int index = 0, CancellationToken cancellationToken = default)
        {
            await store.PutItemAsync(tableName, partitionKey, data, index, cancellationToken).ConfigureAwait(false);
            return new JsonObject { ["table_name"] = tableName, ["partition_key"] = partitionKey };
        }

        public async Task<JsonObject> PutGlobalItemsAsync(string tableName, string partitionKey, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default)
        {
            var count = await store.PutItemsAsync(tableName, partitionKey, items, cancellationToken).ConfigureAwait(false);
            return new JsonObject { ["table_name"] = tableName, ["partition_key"] = partitionKey, ["items"] = new JsonArray([.. Enumerable.Range(0, count).Select(_ => (JsonNode?)1)]) };
        }

        public Task<JsonNode?> GetGlobalItemAsync(string tableName, string partitionKey, int index = 0, CancellationToken cancellationToken = default) =>
            store.GetItemAsync(tableName, partitionKey, index, cancellationToken);

        public Task<IReadOnlyList<JsonNode?>> GetGlobalItemsAsync(string tableName, string partitionKey, CancellationToken cancellationToken = default) =>
            store.GetItemsAsync(tableName, partitionKey, cancellationToken);

        public Task<JsonNode?> GetItemForMapIterationAsync(JsonNode? input, CancellationToken cancellationToken = default) =>
            GetItemAsync(Field(input, "items_result_key"), Index(input), cancellationToken);

        public Task<JsonNode?> GetGlobalItemForMapIterationAsync(JsonNode? input, CancellationToken cancellationToken = default) =>
            GetGlobalItemAsync(Field(input, "items_result_table_name"), Field(input, "items_result_partition_key"), Index(input), cancellationToken);

        public Task<JsonObject> PutItemForMapIterationAsync(JsonNode? input, JsonNode? item, CancellationToken cancellationToken = default) =>
            PutItemAsync(Field(input, "items_result_key"), item, Index(input), cancellationToken);

        public Task<JsonObject> PutGlobalItemForMapIterationAsync(JsonNode? input, JsonNode? item, CancellationToken cancellationToken = default) =>
            PutGlobalItemAsync(Field(input, "items_result_table_name"), Field(input, "items_result_partition_key"), item, Index(input), cancellationToken);

        private string Local(string key) => $"{executionName}:{key}";

        private static JsonObject WithKey(JsonObject pointer, string key)
        {
            pointer["key"] = key;
            return pointer;
        }

        private static string Field(JsonNode? input, string name) =>
            input?[name] is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new ArgumentException($"The input has no string '{name}': call this in a task of a Map iterator, with the iteration's input.", nameof(input));

        private static int Index(JsonNode? input) => input?["context_index"] switch
        {
            JsonValue value when value.TryGetValue<int>(out var number) => number,
            JsonValue value when value.TryGetValue<string>(out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new ArgumentException("The input has no 'context_index': call this in a task of a Map iterator, with the iteration's input.", nameof(input)),
        };
    }
}
