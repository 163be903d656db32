using Rheo.Core.Dimensions;
using Rheo.Core.Links;

namespace Rheo.Core.Tests.Links;

public sealed class DimensionMapperTests
{
    [Fact]
    public void Built_in_mappers_survive_their_definition()
    {
        DimensionMapper[] mappers =
        [
            DimensionMapper.Identity, DimensionMapper.Upper, DimensionMapper.Lower, DimensionMapper.Shift(-2, DatetimeGranularity.Hour),
            DimensionMapper.Reformat("%Y%m%d"), DimensionMapper.Lookup(new Dictionary<string, string> { ["NA"] = "1", ["EU"] = "2" }),
        ];

        foreach (var mapper in mappers)
        {
            var reloaded = DimensionMapper.FromDefinition(mapper.Definition!);

            Assert.Equal(mapper.Definition, reloaded.Definition, MapperDefinitionComparer.Instance);
        }
    }

    [Fact]
    public void Shift_moves_a_datetime_by_its_unit_and_inverts()
    {
        var shift = DimensionMapper.Shift(7);

        var moved = (DateTime)shift.Map([new DateTime(2021, 9, 20)]);
        Assert.True(shift.TryInvert(out var back));

        Assert.Equal(new DateTime(2021, 9, 27), moved);
        Assert.Equal(new DateTime(2021, 9, 20), back!.Map([moved]));
    }

    [Fact]
    public void A_one_to_one_lookup_inverts_and_a_many_to_one_does_not()
    {
        var oneToOne = DimensionMapper.Lookup(new Dictionary<string, string> { ["NA"] = "1", ["EU"] = "2" });
        var manyToOne = DimensionMapper.Lookup(new Dictionary<string, string> { ["NA"] = "1", ["US"] = "1" });

        Assert.True(oneToOne.TryInvert(out var inverse));
        Assert.Equal("EU", inverse!.Map(["2"]));
        Assert.False(manyToOne.TryInvert(out _));
    }

    [Fact]
    public void A_missing_lookup_key_names_the_valid_keys()
    {
        var lookup = DimensionMapper.Lookup(new Dictionary<string, string> { ["NA"] = "1" });

        var error = Assert.Throws<ArgumentException>(() => lookup.Map(["JP"]));

        Assert.Contains("NA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reformat_renders_a_datetime_and_parses_it_back()
    {
        var reformat = DimensionMapper.Reformat("%Y%m%d");

        Assert.Equal("20210920", reformat.Map([new DateTime(2021, 9, 20)]));
        Assert.Equal(new DateTime(2021, 9, 20), reformat.Map(["20210920"]));
    }

    [Fact]
    public void Delegate_mappers_have_no_definition()
    {
        var mapper = DimensionMapper.From<string>(region => region == "NA" ? 1L : 2L);

        Assert.Null(mapper.Definition);
        Assert.Equal(1L, mapper.Map(["NA"]));
    }

    [Fact]
    public void An_unknown_definition_kind_lists_the_valid_kinds()
    {
        var error = Assert.Throws<ArgumentException>(() => DimensionMapper.FromDefinition(new MapperDefinition("rot13")));

        Assert.Contains("lookup", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_whose_mapper_arity_differs_from_its_sources_is_refused()
    {
        var spec = DimensionSpec.Of(Dimension.DateTime("day"), Dimension.Long("hour"));
        var a = new Rheo.Core.Signals.Signal("a", Rheo.Core.Signals.SignalKind.ExternalData, spec);
        var b = new Rheo.Core.Signals.Signal("b", Rheo.Core.Signals.SignalKind.ExternalData, spec);

        Assert.Throws<ArgumentException>(() => new InputLink(b.Dim("day"), DimensionMapper.Identity, a.Dims("day", "hour")));
    }

    private sealed class MapperDefinitionComparer : IEqualityComparer<MapperDefinition?>
    {
        public static readonly MapperDefinitionComparer Instance = new();

        public bool Equals(MapperDefinition? x, MapperDefinition? y) =>
            x!.Kind == y!.Kind && x.Parameters.OrderBy(p => p.Key).SequenceEqual(y.Parameters.OrderBy(p => p.Key));

        public int GetHashCode(MapperDefinition? obj) => obj!.Kind.GetHashCode(StringComparison.Ordinal);
    }
}
