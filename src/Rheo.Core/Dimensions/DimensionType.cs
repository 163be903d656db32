namespace Rheo.Core.Dimensions;

/// <summary>The type of a dimension's values.</summary>
public enum DimensionType
{
    /// <summary>Text values, e.g. a region <c>NA</c>.</summary>
    String,

    /// <summary>64-bit integers, e.g. a region id <c>1</c>.</summary>
    Long,

    /// <summary>Points in time with a granularity and a format, e.g. a day <c>2021-09-20</c>.</summary>
    DateTime,
}

/// <summary>The unit of a DATETIME dimension: the step of ranges and shifts.</summary>
public enum DatetimeGranularity
{
    /// <summary>One minute.</summary>
    Minute,

    /// <summary>One hour.</summary>
    Hour,

    /// <summary>One day (the default).</summary>
    Day,

    /// <summary>Seven days.</summary>
    Week,

    /// <summary>One calendar month; adding months clamps to the end of shorter months.</summary>
    Month,

    /// <summary>One calendar year.</summary>
    Year,
}

/// <summary>How a STRING dimension normalizes the case of its values.</summary>
public enum StringCase
{
    /// <summary>Values are kept as given.</summary>
    AsIs,

    /// <summary>Values are upper-cased (invariant culture).</summary>
    Upper,

    /// <summary>Values are lower-cased (invariant culture).</summary>
    Lower,
}
