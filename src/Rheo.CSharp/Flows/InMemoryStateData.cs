using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.Flows;

namespace Rheo.CSharp.Flows;

/// <summary>
/// State data held in memory, for <c>rheo states run</c> and tests: one table of items keyed by partition key and
/// index; <see cref="ClientFor"/> gives the client a task of one execution sees.
/// </summary>
/// <remarks>Thread-safe. Items are stored as JSON text, so callers never share a mutable node with the store.</remarks>
public sealed class InMemoryStateData
{
    /// <summary>The table name local items live in.</summary>
    public const string DefaultTableName = "rheo-state-data";

    private readonly ConcurrentDictionary<(string Table, string PartitionKey, int Index), string> _items = new();

    /// <summary>The client for the execution named <paramref name="executionName"/>: its local keys are <c>{executionName}:{key}</c>.</summary>
    public IStateDataClient ClientFor(string executionName) => new Client(this, executionName);

    private sealed class Client(InMemoryStateData store, string executionName) : IStateDataClient
    {
        public Task<JsonObject> PutItemAsync(string key, JsonNode? data, int index = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult(WithKey(Put(DefaultTableName, Local(key), data, index), key));

        public Task<JsonObject> PutItemsAsync(string key, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default) =>
            Task.FromResult(WithKey(PutAll(DefaultTableName, Local(key), items), key));

        public Task<JsonNode?> GetItemAsync(string key, int index = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult(Get(DefaultTableName, Local(key), index));

        public Task<IReadOnlyList<JsonNode?>> GetItemsAsync(string key, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetAll(DefaultTableName, Local(key)));

        public Task<JsonObject> PutGlobalItemAsync(string tableName, string partitionKey, JsonNode? data, int index = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult(Put(tableName, partitionKey, data, index));

        public Task<JsonObject> PutGlobalItemsAsync(string tableName, string partitionKey, IEnumerable<JsonNode?> items, CancellationToken cancellationToken = default) =>
            Task.FromResult(PutAll(tableName, partitionKey, items));

        public Task<JsonNode?> GetGlobalItemAsync(string tableName, string partitionKey, int index = 0, CancellationToken cancellationToken = default) =>
            Task.FromResult(Get(tableName, partitionKey, index));

        public Task<IReadOnlyList<JsonNode?>> GetGlobalItemsAsync(string tableName, string partitionKey, CancellationToken cancellationToken = default) =>
            Task.FromResult(GetAll(tableName, partitionKey));

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

        private JsonObject Put(string table, string partitionKey, JsonNode? data, int index)
        {
            store._items[(table, partitionKey, index)] = data?.ToJsonString() ?? "null";
            return new JsonObject { ["table_name"] = table, ["partition_key"] = partitionKey };
        }

        private JsonObject PutAll(string table, string partitionKey, IEnumerable<JsonNode?> items)
        {
            var ones = new JsonArray();
            foreach (var item in items)
            {
                Put(table, partitionKey, item, ones.Count);
                ones.Add(1);
            }

            return new JsonObject { ["table_name"] = table, ["partition_key"] = partitionKey, ["items"] = ones };
        }

        private JsonNode? Get(string table, string partitionKey, int index) =>
            store._items.TryGetValue((table, partitionKey, index), out var text)
                ? JsonNode.Parse(text)
                : throw new KeyNotFoundException($"No state data item: partition_key={partitionKey} sort_key={index} table_name={table}.");

        private IReadOnlyList<JsonNode?> GetAll(string table, string partitionKey) =>
            [.. store._items.Where(i => i.Key.Table == table && i.Key.PartitionKey == partitionKey).OrderBy(i => i.Key.Index).Select(i => JsonNode.Parse(i.Value))];

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
