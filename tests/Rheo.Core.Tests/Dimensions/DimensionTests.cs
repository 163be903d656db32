using Rheo.Core.Dimensions;

namespace Rheo.Core.Tests.Dimensions;

public sealed class DimensionTests
{
    [Theory]
    [InlineData("%Y-%m-%d", DatetimeGranularity.Day, "2021-09-20")]
    [InlineData("yyyy-MM-dd", DatetimeGranularity.Day, "2021-09-20")]
    [InlineData("%Y%m%d%H", DatetimeGranularity.Hour, "2021092013")]
    [InlineData("%Y-%m-%d %H:%M:%S", DatetimeGranularity.Minute, "2021-09-20 13:45:10")]
    public void Strftime_and_dotnet_formats_round_trip(string format, DatetimeGranularity granularity, string text)
    {
        var day = Dimension.DateTime("d", granularity, format);

        var value = day.Parse(text);

        Assert.Equal(text, day.Render(value));
    }

    [Fact]
    public void A_date_given_as_text_or_as_DateTime_lands_on_the_same_value()
    {
        var day = Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d");

        var fromText = day.Parse("2021-09-20");
        var fromDateTime = day.Parse(new DateTime(2021, 9, 20, 17, 30, 0, DateTimeKind.Utc));
        var fromOffset = day.Parse(new DateTimeOffset(2021, 9, 20, 5, 0, 0, TimeSpan.Zero));
        var fromDateOnly = day.Parse(new DateOnly(2021, 9, 20));

        Assert.Equal(fromText, fromDateTime);
        Assert.Equal(fromText, fromOffset);
        Assert.Equal(fromText, fromDateOnly);
    }

    [Fact]
    public void A_compact_format_value_is_parsed_with_the_dimension_format()
    {
        var hour = Dimension.DateTime("hour", DatetimeGranularity.Hour, "%Y%m%d%H");

        var value = hour.Parse("2021012223");

        Assert.Equal(new DateTime(2021, 1, 22, 23, 0, 0), value.AsDateTime());
    }

    [Fact]
    public void An_iso_value_is_accepted_for_a_dimension_with_another_format()
    {
        var day = Dimension.DateTime("day", DatetimeGranularity.Day, "%Y%m%d");

        Assert.Equal("20210920", day.Render(day.Parse("2021-09-20")));
    }

    [Fact]
    public void A_value_with_a_utc_offset_is_converted_to_utc()
    {
        var time = Dimension.DateTime("time", DatetimeGranularity.Hour, "%Y-%m-%d %H");

        var value = time.Parse("2021-09-20T10:00:00+02:00");

        Assert.Equal("2021-09-20 08", time.Render(value));
    }

    [Fact]
    public void A_dimension_in_another_zone_converts_instants_to_its_wall_clock()
    {
        var time = Dimension.DateTime("time", DatetimeGranularity.Hour, "%Y-%m-%d %H", "America/Los_Angeles");

        var value = time.Parse(new DateTimeOffset(2021, 9, 20, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal("2021-09-20 03", time.Render(value));
    }

    [Fact]
    public void An_unknown_zone_is_rejected_with_an_example()
    {
        var error = Assert.Throws<ArgumentException>(() => Dimension.DateTime("t", timeZone: "Mars/Olympus"));

        Assert.Contains("Mars/Olympus", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_equal_when_their_format_renders_them_equal()
    {
        var day = Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d");

        Assert.Equal(day.Parse("2020-03-18"), day.Parse("2020-03-18 10:00:00"));
    }

    [Theory]
    [InlineData(DatetimeGranularity.Day, -1, "2020-03-17")]
    [InlineData(DatetimeGranularity.Week, -2, "2020-03-04")]
    [InlineData(DatetimeGranularity.Month, -3, "2019-12-18")]
    [InlineData(DatetimeGranularity.Year, 1, "2021-03-18")]
    public void Adding_units_steps_by_the_granularity(DatetimeGranularity granularity, int units, string expected)
    {
        var day = Dimension.DateTime("day", granularity, "%Y-%m-%d");

        Assert.Equal(expected, day.Render(day.Add(day.Parse("2020-03-18"), units)));
    }

    [Fact]
    public void Month_arithmetic_clamps_to_the_end_of_shorter_months()
    {
        var day = Dimension.DateTime("day", DatetimeGranularity.Month, "%Y-%m-%d");

        Assert.Equal("2021-02-28", day.Render(day.Add(day.Parse("2021-03-31"), -1)));
    }

    [Fact]
    public void A_granularity_finer_than_the_format_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Dimension.DateTime("day", DatetimeGranularity.Hour, "%Y-%m-%d"));

        Assert.Contains("HOUR", error.Message, StringComparison.Ordinal);
        Assert.Contains("%Y-%m-%d", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_strftime_directive_names_the_supported_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => Dimension.DateTime("d", format: "%Y-%j"));

        Assert.Contains("%j", error.Message, StringComparison.Ordinal);
        Assert.Contains("%Y", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_datetime_names_the_dimension_and_the_format()
    {
        var day = Dimension.DateTime("day", DatetimeGranularity.Day, "%Y-%m-%d");

        var error = Assert.Throws<InvalidDimensionValueException>(() => day.Parse("next tuesday"));

        Assert.Equal("day", error.Dimension);
        Assert.Contains("%Y-%m-%d", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"next tuesday\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_accepts_integers_and_numeric_text_and_pads_with_digits()
    {
        var id = Dimension.Long("id", digits: 3);

        Assert.Equal(id.Parse(7), id.Parse("007"));
        Assert.Equal("007", id.Render(id.Parse(7L)));
    }

    [Fact]
    public void A_long_rejects_text_that_is_not_a_number()
    {
        var error = Assert.Throws<InvalidDimensionValueException>(() => Dimension.Long("region_id").Parse("NA"));

        Assert.Contains("region_id", error.Message, StringComparison.Ordinal);
        Assert.Contains("integer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_dimension_normalizes_case_when_asked()
    {
        var org = Dimension.String("org", StringCase.Upper);

        Assert.Equal("NA", org.Parse("na").AsString());
    }

    [Fact]
    public void An_empty_string_is_not_a_value()
    {
        Assert.Throws<InvalidDimensionValueException>(() => Dimension.String("region").Parse(""));
    }

    [Fact]
    public void Ranges_on_a_string_dimension_are_refused()
    {
        var region = Dimension.String("region");

        Assert.Throws<InvalidOperationException>(() => region.Add(region.Parse("NA"), 1));
    }

    [Fact]
    public void A_spec_rejects_duplicate_names_and_lists_valid_names_on_lookup()
    {
        Assert.Throws<ArgumentException>(() => DimensionSpec.Of(Dimension.String("a"), Dimension.Long("a")));

        var spec = DimensionSpec.Of(Dimension.String("region"), Dimension.DateTime("day"));
        var error = Assert.Throws<ArgumentException>(() => spec.Get("date"));

        Assert.Contains("region, day", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_parses_one_value_per_dimension()
    {
        var spec = DimensionSpec.Of(Dimension.String("region"), Dimension.DateTime("day", format: "%Y-%m-%d"));

        var partition = spec.Parse("NA", "2021-09-20");

        Assert.Equal(["NA", "2021-09-20"], spec.Render(partition));
        Assert.Throws<ArgumentException>(() => spec.Parse("NA"));
    }
}
