using System.Text.Json.Nodes;

namespace Rheo.States.Tests;

/// <summary>The conformance case folders and the comparison of a result with a case's expected.json (shared by the interpreter and runner suites).</summary>
internal static class ConformanceCase
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Conformance");

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Root).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    public static string Read(string name, string file) => File.ReadAllText(Path.Combine(Root, name, file));

    /// <summary>Asserts every field the case lists in <c>compare</c>: JSON structurally, <c>cause_contains</c> as a substring.</summary>
    public static void AssertMatches(string name, JsonObject actual)
    {
        var expected = JsonNode.Parse(Read(name, "expected.json"))!.AsObject();
        foreach (var field in expected["compare"]!.AsArray().Select(f => f!.GetValue<string>()))
        {
            if (field == "cause_contains")
            {
                Assert.Contains(expected["cause_contains"]!.GetValue<string>(), actual["cause"]?.GetValue<string>() ?? string.Empty, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(
                    JsonEquality.Equal(expected[field], actual[field]),
                    $"{field}: expected {expected[field]?.ToJsonString() ?? "null"} but was {actual[field]?.ToJsonString() ?? "null"} (whole result {actual.ToJsonString()})");
            }
        }
    }
}
