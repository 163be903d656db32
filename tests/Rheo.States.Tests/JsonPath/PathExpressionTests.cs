using System.Text.Json.Nodes;
using Rheo.States.JsonPath;

namespace Rheo.States.Tests.JsonPath;

public sealed class PathExpressionTests
{
    private static readonly JsonNode Document = JsonNode.Parse("""{"a":{"b":[10,20,30]},"odd key":1,"items":[{"n":1},{"n":5}]}""")!;

    [Theory]
    [InlineData("$.a.b[1]", "20")]
    [InlineData("$.a.b[-1]", "30")]
    [InlineData("$['odd key']", "1")]
    [InlineData("$.a.b[1:]", "[20,30]")]
    [InlineData("$.a.b[::2]", "[10,30]")]
    [InlineData("$.a.b[::-1]", "[30,20,10]")]
    [InlineData("$.items[?(@.n > 2)].n", "[5]")]
    [InlineData("$..n", "[1,5]")]
    [InlineData("$.a.*", "[[10,20,30]]")]
    public void Path_selects_the_expected_value(string path, string expected)
    {
        var compiled = PathExpression.Compile(path);

        Assert.True(compiled.TryEvaluate(new PathRoots(Document, null, null), out var value));
        JsonEquality.AssertJson(expected, value);
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("$.a[")]
    [InlineData("$.a[?(@.x >)]")]
    [InlineData("$.")]
    public void Malformed_path_does_not_compile(string path)
    {
        Assert.False(PathExpression.TryCompile(path, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Definite_path_to_a_missing_field_is_not_found()
    {
        Assert.False(PathExpression.Compile("$.a.zzz").TryEvaluate(new PathRoots(Document, null, null), out _));
    }

    [Fact]
    public void Variable_and_context_roots_are_recognised()
    {
        var variable = PathExpression.Compile("$total.count");
        var context = PathExpression.Compile("$$.Execution.Id");

        Assert.Equal(PathRoot.Variable, variable.Root);
        Assert.Equal("total", variable.Variable);
        Assert.Equal(PathRoot.Context, context.Root);
        Assert.False(context.IsReferencePath);
    }
}
