using System.Text.Json.Nodes;
using Rheo.Runtime.Jobs;
using Rheo.Samples.Jobs;
using Rheo.States.Tests;

namespace Rheo.Runtime.Tests.Jobs;

public sealed class JobTaskRegistryTests
{
    private static JobTaskRegistry Samples() => new JobTaskRegistry().AddAssembly(typeof(ExampleTask).Assembly);

    [Fact]
    public void Every_marked_class_of_an_assembly_is_discovered()
    {
        var catalog = Samples().Catalog;

        Assert.Equal(
            ["bench.noop", "bench.range", "climate.combine", "climate.forecast", "climate.seasons", "climate.summarize", "climate.variables", "demo.flaky", "main.example", "text.shout", "text.whisper"],
            catalog.Definitions.Select(d => d.QualifiedName));
    }

    [Fact]
    public void A_definition_describes_the_task_and_its_constructor_as_JSON()
    {
        var definition = Samples().Catalog.Find("main", "example")!;

        JsonEquality.AssertJson(
            """
            {"namespace":"main","method":"example","consumes":"string","produces":"string","fan_out":false,
             "description":"Appends example_property to the 'input' string.",
             "init_args":[{"name":"example_property","type":"string","required":true,"description":"Text appended to the input."}]}
            """,
            definition.ToJson());
    }

    [Fact]
    public void A_fan_out_task_and_its_optional_array_parameter_are_described()
    {
        var definition = Samples().Catalog.Find("climate", "seasons")!;

        Assert.True(definition.FansOut);
        JsonEquality.AssertJson("""{"name":"seasons","type":"array","required":false,"nullable":true,"items":"string","default":null,"description":"The seasons, in order."}""", definition.Parameters[0].ToJson());
    }

    [Fact]
    public void Constructor_parameter_types_map_to_JSON_types_with_ranges_and_choices()
    {
        var definition = new JobTaskRegistry().Add<BindingTask>().Catalog.Find("test", "binding")!;

        var byName = definition.Parameters.ToDictionary(p => p.Name);
        Assert.Equal(["speed", "count", "big", "ratio", "enabled", "tags", "options", "numbers", "note", "retries"], definition.Parameters.Select(p => p.Name));
        Assert.Equal(["Fast", "Slow"], byName["speed"].AllowedValues);
        Assert.Equal(("integer", (long?)int.MaxValue), (byName["count"].Type, byName["count"].Maximum));
        Assert.Equal(("integer", (long?)long.MaxValue), (byName["big"].Type, byName["big"].Maximum));
        Assert.Equal("number", byName["ratio"].Type);
        Assert.Equal("boolean", byName["enabled"].Type);
        Assert.Equal(("array", "string"), (byName["tags"].Type, byName["tags"].Items));
        Assert.Equal("object", byName["options"].Type);
        Assert.Equal(("array", "integer"), (byName["numbers"].Type, byName["numbers"].Items));
        Assert.True(byName["note"].Nullable);
        Assert.False(byName["note"].Required);
        Assert.Equal(3, (int)byName["retries"].Default!);
        Assert.True(byName["count"].Required);
        Assert.Null(definition.Consumes is "any" ? null : definition.Consumes);
    }

    [Fact]
    public void A_class_that_is_not_a_valid_task_is_rejected_with_the_reason()
    {
        var registry = new JobTaskRegistry();

        Assert.Contains("exactly one of IJobTask", Assert.Throws<ArgumentException>(() => registry.Add<NoInterfaceTask>()).Message, StringComparison.Ordinal);
        Assert.Contains("exactly one public constructor", Assert.Throws<ArgumentException>(() => registry.Add<TwoConstructorsTask>()).Message, StringComparison.Ordinal);
        Assert.Contains("'stream' has the type Stream", Assert.Throws<ArgumentException>(() => registry.Add<StreamParameterTask>()).Message, StringComparison.Ordinal);
        Assert.Contains("no [JobTask] attribute", Assert.Throws<ArgumentException>(() => registry.Add<string>()).Message, StringComparison.Ordinal);
        Assert.Empty(registry.Catalog.Definitions);
    }

    [Fact]
    public void Two_classes_registered_under_the_same_name_are_rejected()
    {
        var registry = Samples();

        var e = Assert.Throws<ArgumentException>(() => registry.Add<ImpostorExampleTask>());

        Assert.Contains("both registered as the task 'main.example'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exampleProperty", "example_property")]
    [InlineData("count", "count")]
    [InlineData("maxHTTPRetries", "max_http_retries")]
    [InlineData("retry2Times", "retry2_times")]
    [InlineData("already_snake", "already_snake")]
    public void Constructor_parameter_names_become_snake_case_init_args(string parameter, string initArg)
    {
        Assert.Equal(initArg, JobTaskRegistry.SnakeCase(parameter));
    }

    [Fact]
    public async Task Init_args_bind_to_the_constructor_with_their_types_and_defaults()
    {
        var registry = new JobTaskRegistry().Add<BindingTask>();
        var definition = registry.Catalog.Find("test", "binding")!;
        var args = (JsonObject)JsonNode.Parse("""{"speed":"Slow","count":7,"big":9000000000,"ratio":0.25,"enabled":true,"tags":["a","b"],"options":{"k":[1]},"numbers":[4,5]}""")!;

        var task = (BindingTask)registry.Create(definition, args);
        var echoed = await task.RunAsync([], CancellationToken.None);

        JsonEquality.AssertJson(
            """{"speed":"Slow","count":7,"big":9000000000,"ratio":0.25,"enabled":true,"tags":["a","b"],"options":{"k":[1]},"numbers":[4,5],"note":null,"retries":3}""",
            echoed);
    }
}
