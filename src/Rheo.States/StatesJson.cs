using System.Text.Json.Nodes;
using Rheo.States.JsonPath;

namespace Rheo.States;

/// <summary>JSON the way executions read it.</summary>
public static class StatesJson
{
    /// <summary>Parses an execution input or task result into fully built nodes (safe to share between concurrent iterations); a later duplicate field wins.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not JSON.</exception>
    public static JsonNode? Parse(string json) => JsonNodes.Parse(json);
}
