namespace Rheo.Core.Dimensions;

/// <summary>A value was not valid for a dimension; nothing was changed.</summary>
public sealed class InvalidDimensionValueException : RheoException
{
    /// <summary>Creates the exception for a dimension, the rejected value and the reason.</summary>
    public InvalidDimensionValueException(string dimension, DimensionType type, object? value, string reason)
        : base($"Dimension '{dimension}' ({type.ToString().ToUpperInvariant()}) rejects the value {Describe(value)}: {reason}.")
    {
        Dimension = dimension;
        DimensionType = type;
        Value = value;
        Reason = reason;
    }

    /// <summary>The dimension that rejected the value.</summary>
    public string Dimension { get; }

    /// <summary>The dimension's type.</summary>
    public DimensionType DimensionType { get; }

    /// <summary>The rejected raw value.</summary>
    public object? Value { get; }

    /// <summary>Why the value was rejected and what would be valid.</summary>
    public string Reason { get; }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => $"{value} ({value.GetType().Name})",
    };
}
