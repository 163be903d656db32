using System.Text.Json.Nodes;
using Rheo.States.Intrinsics;
using Rheo.States.JsonPath;

namespace Rheo.States.Tests.Intrinsics;

public sealed class IntrinsicTests
{
    private static JsonNode? Evaluate(string call, string input = "{}", Random? random = null)
    {
        Assert.True(IntrinsicExpression.TryCompile(call, out var expression, out var error), error);
        return expression!.Evaluate(new PathRoots(JsonNode.Parse(input), null, null), random ?? new Random(1));
    }

    [Fact]
    public void UUID_comes_from_the_injected_random_source()
    {
        var first = Evaluate("States.UUID()", random: new Random(3))!.GetValue<string>();
        var again = Evaluate("States.UUID()", random: new Random(3))!.GetValue<string>();

        Assert.Equal(first, again);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", first);
    }

    [Fact]
    public void MathRandom_without_seed_uses_the_injected_source_and_stays_in_range()
    {
        var values = Enumerable.Range(0, 50).Select(i => Evaluate("States.MathRandom(1, 4)", random: new Random(i))!.GetValue<long>()).ToList();

        Assert.All(values, v => Assert.InRange(v, 1, 3));
        Assert.Equal(Evaluate("States.MathRandom(0, 1000)", random: new Random(9))!.GetValue<long>(), Evaluate("States.MathRandom(0, 1000)", random: new Random(9))!.GetValue<long>());
    }

    [Fact]
    public void MathRandom_with_a_seed_is_reproducible_whatever_the_source()
    {
        var a = Evaluate("States.MathRandom(0, 1000000, 17)", random: new Random(1))!.GetValue<long>();
        var b = Evaluate("States.MathRandom(0, 1000000, 17)", random: new Random(2))!.GetValue<long>();

        Assert.Equal(a, b);
    }

    [Fact]
    public void ArrayRange_with_more_than_1000_items_fails()
    {
        Assert.Throws<IntrinsicFailure>(() => Evaluate("States.ArrayRange(1, 2000, 1)"));
    }

    [Fact]
    public void Hash_with_an_unknown_algorithm_names_the_valid_ones()
    {
        var e = Assert.Throws<IntrinsicFailure>(() => Evaluate("States.Hash('a', 'SHA-3')"));

        Assert.Contains("MD5, SHA-1, SHA-256, SHA-384, SHA-512", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void String_literal_escapes_quote_and_backslash()
    {
        JsonEquality.AssertJson("\"it's a \\\\ b\"", Evaluate("States.Format('it\\'s a \\\\ b')"));
    }

    [Fact]
    public void Path_argument_that_is_missing_fails()
    {
        Assert.Throws<IntrinsicFailure>(() => Evaluate("States.ArrayLength($.nope)"));
    }
}
