using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Signals;

namespace Rheo.Core.Tests.Signals;

public sealed class SignalTests
{
    private static readonly DimensionSpec RegionDay = DimensionSpec.Of(Dimension.String("region"), Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d"));

    [Fact]
    public void Indexing_narrows_dimensions_in_spec_order()
    {
        var node = new Signal("sales", SignalKind.ExternalData, RegionDay);

        var view = node["NA"]["2021-09-20"];

        Assert.True(view.IsMaterial);
        Assert.Equal(["NA", "2021-09-20"], RegionDay.Render(view.Tip()));
    }

    [Fact]
    public void The_tip_is_the_first_partition_of_the_materialized_filter_and_needs_material_values()
    {
        var node = new Signal("sales", SignalKind.ExternalData, RegionDay);
        var ranged = new Signal("sales", SignalKind.ExternalData, RegionDay, DimensionFilter.Of(RegionDay, ["NA", "2021-09-20[_:-3]"]));
        var several = new Signal("sales", SignalKind.ExternalData, RegionDay, DimensionFilter.Of(RegionDay, ["EU", "2021-09-21"], ["NA", "2021-09-20"]));

        Assert.Equal(3, ranged.Partitions().Count);
        Assert.Equal(ranged.Partitions()[0], ranged.Tip());
        Assert.Equal(["NA", "2021-09-20"], RegionDay.Render(ranged.Tip()));
        Assert.Equal(several.Partitions()[0], several.Tip());
        Assert.Throws<InvalidOperationException>(() => node["*"]["2021-09-20"].Tip());
    }

    [Fact]
    public void A_wildcard_then_a_range_gives_seven_days_per_region()
    {
        var node = new Signal("sales", SignalKind.ExternalData, RegionDay);

        var view = node["*"].Range(-7);

        Assert.Equal("{*: {_:-7}}", view.Filter.ToString(RegionDay));
        Assert.Equal(7, view.Filter.Expand(RegionDay, RegionDay.Parse("NA", "2021-09-20")).Count);
    }

    [Fact]
    public void A_value_outside_the_declared_filter_is_an_error_at_build_time()
    {
        var region = DimensionSpec.Of(Dimension.String("region"));
        var node = new Signal("ext1", SignalKind.ExternalData, region, DimensionFilter.Of(region, ["NA"], ["EU"]));

        var error = Assert.Throws<SignalFilterException>(() => node["JP"]);

        Assert.Equal("ext1", error.NodeId);
        Assert.Contains("'JP'", error.Message, StringComparison.Ordinal);
        Assert.Contains("{NA, EU}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_an_error_naming_the_dimension()
    {
        var node = new Signal("ext2", SignalKind.ExternalData, DimensionSpec.Of(Dimension.Long("region_id")));

        var error = Assert.Throws<InvalidDimensionValueException>(() => node["NA"]);

        Assert.Equal("region_id", error.Dimension);
    }

    [Fact]
    public void Indexing_past_the_last_dimension_is_an_error()
    {
        var node = new Signal("ext2", SignalKind.ExternalData, DimensionSpec.Of(Dimension.Long("region_id")));

        var error = Assert.Throws<ArgumentException>(() => node[1][2]);

        Assert.Contains("region_id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_and_alias_are_kept_through_indexing()
    {
        var node = new Signal("lookup", SignalKind.ExternalData, RegionDay);

        var view = node.As("table").Ref.RangeCheck()["NA"].Range(-3);

        Assert.True(view.IsReference);
        Assert.True(view.IsRangeCheck);
        Assert.Equal("table", view.InputName);
        Assert.Equal("lookup", view.NodeId);
    }

    [Fact]
    public void A_link_to_an_unknown_dimension_lists_the_valid_ones()
    {
        var node = new Signal("sales", SignalKind.ExternalData, RegionDay);

        var error = Assert.Throws<ArgumentException>(() => node.Dim("date"));

        Assert.Contains("region, day", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resource_segments_fill_the_partition_key_placeholders()
    {
        var resource = new ResourceDescriptor("local", "/data/sales", ["region={}", "{}"]);

        var segments = resource.Segments(RegionDay, RegionDay.Parse("NA", "2021-06-21"));

        Assert.Equal(["region=NA", "2021-06-21"], segments);
    }

    [Fact]
    public void A_partition_key_without_a_placeholder_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ResourceDescriptor("local", "/data", ["region"]));
    }

    [Fact]
    public void A_resource_with_too_few_keys_for_the_spec_is_refused()
    {
        var resource = new ResourceDescriptor("local", "/data", ["{}"]);

        Assert.Throws<ArgumentException>(() => new Signal("x", SignalKind.ExternalData, RegionDay, resource: resource));
    }

    [Fact]
    public void A_completion_file_must_be_a_plain_name()
    {
        Assert.Equal("_SUCCESS", IntegrityProtocol.Success.CompletionFile);
        Assert.Throws<ArgumentException>(() => IntegrityProtocol.CompletionFileNamed("../_SUCCESS"));
    }

    [Fact]
    public void Metrics_feed_only_alarms()
    {
        Assert.True(SignalCompatibility.Accepts(SignalKind.Alarm, SignalKind.Metric));
        Assert.False(SignalCompatibility.Accepts(SignalKind.InternalData, SignalKind.Metric));
        Assert.True(SignalCompatibility.Accepts(SignalKind.InternalData, SignalKind.Alarm));
    }
}
