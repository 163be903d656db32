using System.Text.Json.Nodes;

namespace Rheo.Flows;

/// <summary>
/// A place in the state data (<c>data["order"]["total"]</c>, a JSONPath such as <c>$['order']['total']</c>) or a
/// static value, inside a state machine method.
/// </summary>
/// <remarks>
/// State machine methods are parsed, never run: these members exist so that conditions (<c>data["n"] &gt; 0</c>,
/// <c>(string)data["s"] == "x"</c>), assignments and calls type-check in the editor. Calling them throws.
/// </remarks>
#pragma warning disable CA1036, CA2225 // The operators are the DSL's syntax for Choice rules; there is nothing to compare at run time.
public class FlowValue
#pragma warning restore CA1036, CA2225
{
    internal FlowValue()
    {
    }

    /// <summary>The member <paramref name="key"/> of this object.</summary>
    public FlowValue this[string key]
    {
        get => throw Flow.NotRun();
        set => throw Flow.NotRun();
    }

    /// <summary>The element at <paramref name="index"/> of this array.</summary>
    public FlowValue this[int index]
    {
        get => throw Flow.NotRun();
        set => throw Flow.NotRun();
    }

    /// <summary>A static string.</summary>
    public static implicit operator FlowValue(string? value) => throw Flow.NotRun();

    /// <summary>A static integer.</summary>
    public static implicit operator FlowValue(int value) => throw Flow.NotRun();

    /// <summary>A static integer.</summary>
    public static implicit operator FlowValue(long value) => throw Flow.NotRun();

    /// <summary>A static number.</summary>
    public static implicit operator FlowValue(double value) => throw Flow.NotRun();

    /// <summary>A static Boolean.</summary>
    public static implicit operator FlowValue(bool value) => throw Flow.NotRun();

    /// <summary>A static JSON value (<c>new JsonObject { ... }</c>, <c>new JsonArray { ... }</c>).</summary>
    public static implicit operator FlowValue(JsonNode? value) => throw Flow.NotRun();

    /// <summary>Compares as a string (String* operators).</summary>
    public static explicit operator string(FlowValue value) => throw Flow.NotRun();

    /// <summary>Compares as a number (Numeric* operators).</summary>
    public static explicit operator int(FlowValue value) => throw Flow.NotRun();

    /// <summary>Compares as a number (Numeric* operators).</summary>
    public static explicit operator long(FlowValue value) => throw Flow.NotRun();

    /// <summary>Compares as a number (Numeric* operators).</summary>
    public static explicit operator double(FlowValue value) => throw Flow.NotRun();

    /// <summary>Compares as a Boolean (BooleanEquals).</summary>
    public static explicit operator bool(FlowValue value) => throw Flow.NotRun();

    /// <summary>Equals: the operator is chosen from the literal's type or a cast.</summary>
    public static bool operator ==(FlowValue? left, FlowValue? right) => throw Flow.NotRun();

    /// <summary>Not equals.</summary>
    public static bool operator !=(FlowValue? left, FlowValue? right) => throw Flow.NotRun();

    /// <summary>Less than.</summary>
    public static bool operator <(FlowValue left, FlowValue right) => throw Flow.NotRun();

    /// <summary>Greater than.</summary>
    public static bool operator >(FlowValue left, FlowValue right) => throw Flow.NotRun();

    /// <summary>Less than or equal.</summary>
    public static bool operator <=(FlowValue left, FlowValue right) => throw Flow.NotRun();

    /// <summary>Greater than or equal.</summary>
    public static bool operator >=(FlowValue left, FlowValue right) => throw Flow.NotRun();

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

/// <summary>The state data (<c>$</c>): the parameter of every state machine, Map iterator and Parallel branch method.</summary>
public sealed class FlowData : FlowValue
{
    private FlowData()
    {
    }

    /// <summary>Merges static members into the data (a Pass state), like a dictionary update: <c>data.Update(new { more = 123 })</c>.</summary>
    /// <param name="values">An anonymous object, <c>new JsonObject { ... }</c> or <c>Json("...")</c> with constant values.</param>
    public void Update(object values) => throw Flow.NotRun();
}
