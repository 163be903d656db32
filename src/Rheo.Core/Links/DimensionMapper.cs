using System.Globalization;
using Rheo.Core.Dimensions;

namespace Rheo.Core.Links;

/// <summary>
/// Maps the values of one or more source dimensions to the value of a target dimension in a link. Arguments are the
/// raw values: <see cref="string"/> for STRING, <see cref="long"/> for LONG, <see cref="DateTime"/> for DATETIME.
/// </summary>
/// <remarks>
/// Built-in mappers (<see cref="Identity"/>, <see cref="Shift"/>, <see cref="Reformat"/>, <see cref="Lookup"/>,
/// <see cref="Upper"/>, <see cref="Lower"/>) have a <see cref="Definition"/>, so a persisted topology reloads them
/// without code; delegate mappers do not. Mappers must be pure functions of their arguments.
/// </remarks>
public abstract class DimensionMapper
{
    /// <summary>The number of source values the mapper takes.</summary>
    public abstract int Arity { get; }

    /// <summary>Whether the mapper returns its single argument unchanged (the guide's EQUALS).</summary>
    public virtual bool IsIdentity => false;

    /// <summary>The serializable form, or null for a delegate mapper.</summary>
    public abstract MapperDefinition? Definition { get; }

    /// <summary>The guide's EQUALS: the value itself (converted to the target's type when they differ).</summary>
    public static DimensionMapper Identity { get; } = new IdentityMapper();

    /// <summary>Upper-cases a STRING value.</summary>
    public static DimensionMapper Upper { get; } = new CaseMapper(upper: true);

    /// <summary>Lower-cases a STRING value.</summary>
    public static DimensionMapper Lower { get; } = new CaseMapper(upper: false);

    /// <summary>Moves a DATETIME by <paramref name="amount"/> units, or a LONG by <paramref name="amount"/>.</summary>
    public static DimensionMapper Shift(int amount, DatetimeGranularity unit = DatetimeGranularity.Day) => new ShiftMapper(amount, unit);

    /// <summary>Renders a DATETIME as text with a format (<c>%Y%m%d</c> or <c>yyyyMMdd</c>), or parses such text back to a DATETIME when the source is a STRING.</summary>
    public static DimensionMapper Reformat(string format) => new ReformatMapper(DatetimeFormat.Parse(format));

    /// <summary>Looks the value up in a table (keys and values as text, e.g. <c>{"NA": "1"}</c>); a missing key is a mapping error.</summary>
    public static DimensionMapper Lookup(IReadOnlyDictionary<string, string> table) => new LookupMapper(table);

    /// <summary>A mapper from a function of one value. Not serializable: an attached application needs the code.</summary>
    public static DimensionMapper From<T>(Func<T, object> map) => new DelegateMapper(1, args => map(Cast<T>(args[0])));

    /// <summary>A mapper from a function of two values, e.g. <c>(day, hour) => ...</c>. Not serializable.</summary>
    public static DimensionMapper From<T1, T2>(Func<T1, T2, object> map) => new DelegateMapper(2, args => map(Cast<T1>(args[0]), Cast<T2>(args[1])));

    /// <summary>A mapper from a function of three values. Not serializable.</summary>
    public static DimensionMapper From<T1, T2, T3>(Func<T1, T2, T3, object> map) => new DelegateMapper(3, args => map(Cast<T1>(args[0]), Cast<T2>(args[1]), Cast<T3>(args[2])));

    /// <summary>Re-creates a built-in mapper from its definition.</summary>
    /// <exception cref="ArgumentException">Unknown kind or bad parameters; the message lists the valid kinds.</exception>
    public static DimensionMapper FromDefinition(MapperDefinition definition)
    {
        string Param(string name) => definition.Parameters.TryGetValue(name, out var v) ? v : throw new ArgumentException($"Mapper '{definition.Kind}' needs the parameter '{name}'.", nameof(definition));

        return definition.Kind switch
        {
            "equals" => Identity,
            "upper" => Upper,
            "lower" => Lower,
            "shift" => Shift(int.Parse(Param("amount"), CultureInfo.InvariantCulture), Enum.Parse<DatetimeGranularity>(Param("unit"), ignoreCase: true)),
            "reformat" => Reformat(Param("format")),
            "lookup" => Lookup(definition.Parameters.Where(p => p.Key.StartsWith("key:", StringComparison.Ordinal)).ToDictionary(p => p.Key[4..], p => p.Value, StringComparer.Ordinal)),
            _ => throw new ArgumentException($"Unknown mapper kind '{definition.Kind}'; valid: equals, upper, lower, shift, reformat, lookup.", nameof(definition)),
        };
    }

    /// <summary>Maps source values (raw: string, long or DateTime) to the target value.</summary>
    public abstract object Map(ReadOnlySpan<object> sources);

    /// <summary>The inverse mapper when this one is a bijection Rheo knows how to invert (identity, shift, reformat, one-to-one lookup).</summary>
    public virtual bool TryInvert(out DimensionMapper? inverse)
    {
        inverse = null;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Definition?.ToString() ?? $"delegate/{Arity}";

    private static T Cast<T>(object value) => value is T typed ? typed : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);

    private sealed class IdentityMapper : DimensionMapper
    {
        public override int Arity => 1;

        public override bool IsIdentity => true;

        public override MapperDefinition Definition { get; } = new("equals");

        public override object Map(ReadOnlySpan<object> sources) => sources[0];

        public override bool TryInvert(out DimensionMapper? inverse)
        {
            inverse = this;
            return true;
        }
    }

    private sealed class CaseMapper(bool upper) : DimensionMapper
    {
        public override int Arity => 1;

        public override MapperDefinition Definition { get; } = new(upper ? "upper" : "lower");

        public override object Map(ReadOnlySpan<object> sources) =>
            upper ? Convert.ToString(sources[0], CultureInfo.InvariantCulture)!.ToUpperInvariant() : Convert.ToString(sources[0], CultureInfo.InvariantCulture)!.ToLowerInvariant();
    }

    private sealed class ShiftMapper(int amount, DatetimeGranularity unit) : DimensionMapper
    {
        public override int Arity => 1;

        public override MapperDefinition Definition { get; } = new("shift", new Dictionary<string, string>
        {
            ["amount"] = amount.ToString(CultureInfo.InvariantCulture),
            ["unit"] = unit.ToString(),
        });

        public override object Map(ReadOnlySpan<object> sources) => sources[0] switch
        {
            DateTime time => Dimension.DateTime("shift", unit).AddUnits(time, amount),
            long number => number + amount,
            var other => throw new ArgumentException($"shift({amount}) needs a DATETIME or LONG value, got {other}."),
        };

        public override bool TryInvert(out DimensionMapper? inverse)
        {
            inverse = new ShiftMapper(-amount, unit);
            return true;
        }
    }

    private sealed class ReformatMapper(DatetimeFormat format) : DimensionMapper
    {
        public override int Arity => 1;

        public override MapperDefinition Definition { get; } = new("reformat", new Dictionary<string, string> { ["format"] = format.Pattern });

        public override object Map(ReadOnlySpan<object> sources) => sources[0] switch
        {
            DateTime time => format.Render(time),
            string text when format.TryParseExact(text, out var parsed) => parsed.DateTime,
            var other => throw new ArgumentException($"reformat('{format.Pattern}') cannot map {other}: expected a DATETIME, or text in that format."),
        };

        public override bool TryInvert(out DimensionMapper? inverse)
        {
            inverse = this;
            return true;
        }
    }

    private sealed class LookupMapper : DimensionMapper
    {
        private readonly Dictionary<string, string> _table;

        public LookupMapper(IReadOnlyDictionary<string, string> table)
        {
            _table = new Dictionary<string, string>(table, StringComparer.Ordinal);
            var parameters = _table.ToDictionary(p => "key:" + p.Key, p => p.Value, StringComparer.Ordinal);
            Definition = new MapperDefinition("lookup", parameters);
        }

        public override int Arity => 1;

        public override MapperDefinition Definition { get; }

        public override object Map(ReadOnlySpan<object> sources)
        {
            var key = sources[0] is DateTime t ? t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : Convert.ToString(sources[0], CultureInfo.InvariantCulture)!;
            return _table.TryGetValue(key, out var value)
                ? value
                : throw new ArgumentException($"lookup has no entry for '{key}'; keys: {string.Join(", ", _table.Keys)}.");
        }

        public override bool TryInvert(out DimensionMapper? inverse)
        {
            var reversed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in _table)
            {
                if (!reversed.TryAdd(v, k))
                {
                    inverse = null;
                    return false;
                }
            }

            inverse = new LookupMapper(reversed);
            return true;
        }
    }

    private sealed class DelegateMapper(int arity, Func<object[], object> map) : DimensionMapper
    {
        public override int Arity => arity;

        public override MapperDefinition? Definition => null;

        public override object Map(ReadOnlySpan<object> sources) => map(sources.ToArray());
    }
}

/// <summary>The serializable form of a built-in mapper: a kind and text parameters.</summary>
/// <param name="Kind">One of <c>equals</c>, <c>upper</c>, <c>lower</c>, <c>shift</c>, <c>reformat</c>, <c>lookup</c>.</param>
/// <param name="Parameters">The kind's parameters.</param>
public sealed record MapperDefinition(string Kind, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>A definition without parameters.</summary>
    public MapperDefinition(string kind)
        : this(kind, new Dictionary<string, string>())
    {
    }

    /// <inheritdoc />
    public override string ToString() => Parameters.Count == 0 ? Kind : $"{Kind}({string.Join(", ", Parameters.Select(p => $"{p.Key}={p.Value}"))})";
}
