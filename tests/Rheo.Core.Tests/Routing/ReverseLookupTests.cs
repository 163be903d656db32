using Rheo.Core.Dimensions;
using Rheo.Core.Links;
using Rheo.Core.Routing;
using static Rheo.Core.Tests.Routing.Nodes;

namespace Rheo.Core.Tests.Routing;

public sealed class ReverseLookupTests
{
    [Fact]
    public void Execute_infers_every_input_through_output_and_input_links()
    {
        var timer = Timer("timer", "day");
        var ext1 = External("ext1", Dimension.String("region"));
        var ext2 = External("ext2", Dimension.Long("region_id"));
        var lookup = new Dictionary<string, string> { ["NA"] = "1", ["EU"] = "2" };
        var route = Route.Compile(new RouteDefinition
        {
            Id = "node",
            Inputs = [timer, ext1, ext2],
            InputLinks = [new InputLink(ext2.Dim("region_id"), DimensionMapper.Lookup(lookup), ext1.Dim("region"))],
            OutputSpec = DimensionSpec.Of(Dimension.String("region"), Day()),
        });

        var resolution = route.ResolveInputs(route.OutputSpec.Parse("EU", "2021-09-20"));

        Assert.True(resolution.Succeeded, string.Join("; ", resolution.Problems));
        Assert.Equal("2021-09-20", Render(timer.Spec, resolution.Inputs[0].Datum)[0]);
        Assert.Equal("EU", resolution.Inputs[1].Datum[0].AsString());
        Assert.Equal(2, resolution.Inputs[2].Datum[0].AsLong());
    }

    [Fact]
    public void An_output_to_input_link_gives_the_input_value()
    {
        var hourly = External("hourly", Dimension.String("stamp"));
        var route = Route.Compile(new RouteDefinition
        {
            Id = "node",
            Inputs = [hourly],
            OutputSpec = DimensionSpec.Of(Day(), Dimension.Long("hour")),
            AutoOutputLinking = false,
            OutputLinks =
            [
                OutputLink.From("day", DimensionMapper.From<string>(s => s[..8]), hourly.Dim("stamp")),
                OutputLink.From("hour", DimensionMapper.From<string>(s => long.Parse(s[9..], System.Globalization.CultureInfo.InvariantCulture)), hourly.Dim("stamp")),
                OutputLink.To(hourly.Dim("stamp"), DimensionMapper.From<DateTime, long>((day, hour) => $"{day:yyyyMMdd}T{hour:00}"), "day", "hour"),
            ],
        });

        var resolution = route.ResolveInputs(route.OutputSpec.Parse("2021-09-20", 7));

        Assert.Equal("20210920T07", Assert.Single(resolution.Inputs).Datum[0].AsString());
    }

    [Fact]
    public void An_input_that_cannot_be_inferred_is_named_with_its_dimension()
    {
        var a = External("a", Day());
        var b = External("b", Dimension.String("region"));
        var route = Route.Compile(new RouteDefinition { Id = "node", Inputs = [a, b] });

        var resolution = route.ResolveInputs(route.OutputSpec.Parse("2021-09-20"));

        Assert.False(resolution.Succeeded);
        var problem = Assert.Single(resolution.Problems);
        Assert.Contains("input 'b' dimension 'region'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ranged_input_resolves_to_its_whole_range()
    {
        var daily = External("daily", Day());
        var route = Route.Compile(new RouteDefinition { Id = "weekly", Inputs = [daily.Range(-7)] });

        var resolution = route.ResolveInputs(route.OutputSpec.Parse("2021-09-20"));

        Assert.Equal(7, Assert.Single(resolution.Inputs).Partitions.Count);
    }
}
