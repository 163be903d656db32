using Rheo.Core.Dimensions;
using Rheo.Core.Filters;

namespace Rheo.Core.Tests.Filters;

public sealed class DimensionFilterTests
{
    private static readonly DimensionSpec Day = DimensionSpec.Of(Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d"));
    private static readonly DimensionSpec RegionDay = DimensionSpec.Of(Dimension.String("region"), Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d"));

    private static string[] Rendered(DimensionSpec spec, IEnumerable<Partition> partitions) => [.. partitions.Select(p => string.Join("/", spec.Render(p)))];

    [Fact]
    public void Rows_read_back_give_the_same_filter_including_a_value_with_a_range()
    {
        var filter = DimensionFilter.Of(RegionDay, ["NA", "2021-09-20"], ["EU", "*"])
            .Narrow(RegionDay, DimensionFilter.Of(RegionDay, ["*", "_:-3"]));

        var rows = filter.ToRows(RegionDay);
        var back = DimensionFilter.Of(RegionDay, [.. rows.Select(r => r.Cast<object?>().ToArray())]);

        Assert.Contains(rows, r => r[1] == "2021-09-20[_:-3]");
        Assert.Equal(filter.ToString(RegionDay), back.ToString(RegionDay));
        Assert.Equal(3, back.Expand(RegionDay, RegionDay.Parse("NA", "2021-09-20")).Count);
    }

    [Fact]
    public void A_backward_range_is_the_datum_and_the_values_before_it_tip_first()
    {
        var filter = DimensionFilter.Of(Day, [new RelativeRange(-3)]);

        var partitions = filter.Expand(Day, Day.Parse("2020-03-18"));

        Assert.Equal(["2020-03-18", "2020-03-17", "2020-03-16"], Rendered(Day, partitions));
    }

    [Fact]
    public void A_forward_range_on_a_long_goes_up_from_the_datum()
    {
        var spec = DimensionSpec.Of(Dimension.Long("n"));
        var filter = DimensionFilter.Of(spec, ["_:3"]);

        Assert.Equal(["5", "6", "7"], Rendered(spec, filter.Expand(spec, spec.Parse(5))));
    }

    [Fact]
    public void A_shifted_range_moves_every_value()
    {
        var filter = DimensionFilter.Of(Day, ["_:-3:-1"]);

        Assert.Equal(["2020-03-17", "2020-03-16", "2020-03-15"], Rendered(Day, filter.Expand(Day, Day.Parse("2020-03-18"))));
    }

    [Fact]
    public void A_single_shifted_value_is_the_day_before()
    {
        var filter = DimensionFilter.Of(Day, [new RelativeRange(-1, -1)]);

        Assert.Equal(["2020-03-17"], Rendered(Day, filter.Expand(Day, Day.Parse("2020-03-18"))));
    }

    [Fact]
    public void Hour_month_and_week_ranges_step_by_their_granularity()
    {
        var hour = DimensionSpec.Of(Dimension.DateTime("h", DatetimeGranularity.Hour, "%Y-%m-%d %H"));
        var month = DimensionSpec.Of(Dimension.DateTime("m", DatetimeGranularity.Month, "%Y-%m"));
        var week = DimensionSpec.Of(Dimension.DateTime("w", DatetimeGranularity.Week, "%Y-%m-%d"));

        Assert.Equal(["2020-03-18 05", "2020-03-18 04", "2020-03-18 03"], Rendered(hour, DimensionFilter.Of(hour, ["_:-3"]).Expand(hour, hour.Parse("2020-03-18 05"))));
        Assert.Equal(["2020-01", "2019-12", "2019-11"], Rendered(month, DimensionFilter.Of(month, ["_:-3"]).Expand(month, month.Parse("2020-01"))));
        Assert.Equal(["2020-03-18", "2020-03-11"], Rendered(week, DimensionFilter.Of(week, ["_:-2"]).Expand(week, week.Parse("2020-03-18"))));
    }

    [Fact]
    public void Narrowing_a_declared_filter_with_a_value_outside_it_is_empty()
    {
        var region = DimensionSpec.Of(Dimension.String("region"));
        var declared = DimensionFilter.Of(region, ["NA"], ["EU"]);

        Assert.True(declared.Narrow(region, DimensionFilter.Of(region, ["JP"])).IsEmpty);
        Assert.False(declared.Narrow(region, DimensionFilter.Of(region, ["EU"])).IsEmpty);
    }

    [Fact]
    public void Narrowing_with_a_wildcard_keeps_the_declared_values()
    {
        var declared = DimensionFilter.Of(RegionDay, ["NA", "*"], ["EU", "*"]);

        var narrowed = declared.Narrow(RegionDay, DimensionFilter.Of(RegionDay, ["*", "_:-7"]));

        Assert.Equal("{NA: {_:-7}, EU: {_:-7}}", narrowed.ToString(RegionDay));
    }

    [Fact]
    public void A_filter_admits_only_its_values_at_runtime()
    {
        var filter = DimensionFilter.Of(RegionDay, ["NA", "*"], ["EU", "2021-09-20"]);

        Assert.True(filter.Admits(RegionDay.Parse("NA", "2021-01-01")));
        Assert.True(filter.Admits(RegionDay.Parse("EU", "2021-09-20")));
        Assert.False(filter.Admits(RegionDay.Parse("EU", "2021-09-21")));
        Assert.False(filter.Admits(RegionDay.Parse("JP", "2021-09-20")));
    }

    [Fact]
    public void A_filter_with_many_values_admits_through_its_index()
    {
        var spec = DimensionSpec.Of(Dimension.Long("id"));
        var filter = DimensionFilter.Of(spec, [.. Enumerable.Range(1, 50).Select(i => new object?[] { i })]);

        Assert.True(filter.Admits(spec.Parse(37)));
        Assert.False(filter.Admits(spec.Parse(51)));
    }

    [Fact]
    public void A_material_filter_lists_its_partitions_tip_first()
    {
        var filter = DimensionFilter.Of(RegionDay, ["NA", "2021-09-20"]).Narrow(RegionDay, DimensionFilter.Of(RegionDay, ["*", "_:-7"]));

        var days = Rendered(RegionDay, filter.Materialize(RegionDay));

        Assert.Equal(7, days.Length);
        Assert.Equal("NA/2021-09-20", days[0]);
        Assert.Equal("NA/2021-09-14", days[6]);
    }

    [Fact]
    public void Materializing_a_wildcard_names_the_dimension()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DimensionFilter.Of(RegionDay, ["NA", "*"]).Materialize(RegionDay));

        Assert.Contains("'day'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tree_form_and_the_branch_form_build_the_same_filter()
    {
        var region = DimensionSpec.Of(Dimension.String("region"));

        var tree = DimensionFilter.FromTree(region, new Dictionary<object, object?> { ["NA"] = null, ["EU"] = null });
        var rows = DimensionFilter.Of(region, ["NA"], ["EU"]);

        Assert.Equal(rows.ToString(region), tree.ToString(region));
    }

    [Fact]
    public void Rows_round_trip_through_text()
    {
        var filter = DimensionFilter.Of(RegionDay, ["NA", "_:-7"], ["EU", "2021-09-20"]);

        var reloaded = DimensionFilter.Of(RegionDay, [.. filter.ToRows(RegionDay).Select(r => r.Cast<object?>().ToArray())]);

        Assert.Equal(filter.ToString(RegionDay), reloaded.ToString(RegionDay));
    }

    [Fact]
    public void A_range_on_a_string_dimension_is_refused()
    {
        var region = DimensionSpec.Of(Dimension.String("region"));

        Assert.Throws<ArgumentException>(() => DimensionFilter.Of(region, ["_:-3"]));
    }

    [Fact]
    public void A_zero_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelativeRange(0));
    }
}
