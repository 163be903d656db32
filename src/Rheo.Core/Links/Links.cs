using Rheo.Core.Signals;

namespace Rheo.Core.Links;

/// <summary>
/// An input dimension link, the guide's <c>(TARGET(dim), mapper, SOURCE(dim, ...))</c>: the target input's dimension
/// must equal the mapper applied to the source input's dimensions for both to join one trigger group.
/// </summary>
public sealed record InputLink
{
    /// <summary>Creates a link.</summary>
    /// <exception cref="ArgumentException">The target names more than one dimension, or the mapper's arity differs from the number of sources.</exception>
    public InputLink(SignalDimensions target, DimensionMapper mapper, SignalDimensions source)
    {
        if (target.Dimensions.Count != 1)
        {
            throw new ArgumentException($"A link targets exactly one dimension; {target} names {target.Dimensions.Count}.", nameof(target));
        }

        if (mapper.Arity != source.Dimensions.Count)
        {
            throw new ArgumentException($"The link to {target} maps {source.Dimensions.Count} source dimension(s) ({source}) with a mapper taking {mapper.Arity}.", nameof(mapper));
        }

        Target = target;
        Mapper = mapper;
        Source = source;
    }

    /// <summary>The dimension that receives the mapped value.</summary>
    public SignalDimensions Target { get; }

    /// <summary>The mapper.</summary>
    public DimensionMapper Mapper { get; }

    /// <summary>The dimensions the mapper reads.</summary>
    public SignalDimensions Source { get; }

    /// <inheritdoc />
    public override string ToString() => $"({Target}, {Mapper}, {Source})";
}

/// <summary>The direction of an <see cref="OutputLink"/>.</summary>
public enum OutputLinkKind
{
    /// <summary>Input dimensions → an output dimension (syntax 2 of the guide).</summary>
    FromInput,

    /// <summary>Output dimensions → an input dimension (syntax 1), used to infer references and for execute.</summary>
    ToInput,

    /// <summary>A literal → an output dimension (syntax 3).</summary>
    Literal,
}

/// <summary>An output dimension link in one of the guide's three syntaxes.</summary>
public sealed record OutputLink
{
    private OutputLink(OutputLinkKind kind, IReadOnlyList<string> outputDimensions, DimensionMapper mapper, SignalDimensions? input, object? literal)
    {
        Kind = kind;
        OutputDimensions = outputDimensions;
        Mapper = mapper;
        Input = input;
        LiteralValue = literal;
    }

    /// <summary>The link's direction.</summary>
    public OutputLinkKind Kind { get; }

    /// <summary>The output dimension(s): the target for <see cref="OutputLinkKind.FromInput"/> and <see cref="OutputLinkKind.Literal"/>, the sources for <see cref="OutputLinkKind.ToInput"/>.</summary>
    public IReadOnlyList<string> OutputDimensions { get; }

    /// <summary>The mapper.</summary>
    public DimensionMapper Mapper { get; }

    /// <summary>The input dimension(s): sources for <see cref="OutputLinkKind.FromInput"/>, the target for <see cref="OutputLinkKind.ToInput"/>.</summary>
    public SignalDimensions? Input { get; }

    /// <summary>The literal of a <see cref="OutputLinkKind.Literal"/> link.</summary>
    public object? LiteralValue { get; }

    /// <summary><c>("out_dim", mapper, input(dims...))</c>: the output dimension from input dimensions.</summary>
    public static OutputLink From(string outputDimension, DimensionMapper mapper, SignalDimensions input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDimension);
        if (mapper.Arity != input.Dimensions.Count)
        {
            throw new ArgumentException($"The output link to '{outputDimension}' maps {input.Dimensions.Count} dimension(s) ({input}) with a mapper taking {mapper.Arity}.", nameof(mapper));
        }

        return new(OutputLinkKind.FromInput, [outputDimension], mapper, input, null);
    }

    /// <summary><c>(input(dim), mapper, ("d1", "d2"))</c>: an input dimension from output dimensions.</summary>
    public static OutputLink To(SignalDimensions input, DimensionMapper mapper, params string[] outputDimensions)
    {
        if (input.Dimensions.Count != 1)
        {
            throw new ArgumentException($"An output-to-input link targets exactly one input dimension; {input} names {input.Dimensions.Count}.", nameof(input));
        }

        if (mapper.Arity != outputDimensions.Length)
        {
            throw new ArgumentException($"The link to {input} maps {outputDimensions.Length} output dimension(s) with a mapper taking {mapper.Arity}.", nameof(mapper));
        }

        return new(OutputLinkKind.ToInput, outputDimensions, mapper, input, null);
    }

    /// <summary><c>("out_dim", EQUALS, literal)</c>: a constant output dimension.</summary>
    public static OutputLink Literal(string outputDimension, object value, DimensionMapper? mapper = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDimension);
        ArgumentNullException.ThrowIfNull(value);
        return new(OutputLinkKind.Literal, [outputDimension], mapper ?? DimensionMapper.Identity, null, value);
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        OutputLinkKind.FromInput => $"(\"{OutputDimensions[0]}\", {Mapper}, {Input})",
        OutputLinkKind.ToInput => $"({Input}, {Mapper}, ({string.Join(", ", OutputDimensions.Select(d => $"\"{d}\""))}))",
        _ => $"(\"{OutputDimensions[0]}\", {Mapper}, {LiteralValue})",
    };
}

/// <summary>A mapper returned a value the target dimension cannot take.</summary>
public sealed class LinkMappingException : RheoException
{
    /// <summary>Creates the exception.</summary>
    public LinkMappingException(string link, string reason, Exception? inner = null)
        : base($"The link {link} failed: {reason}", inner)
    {
        Link = link;
    }

    /// <summary>The link, in text form.</summary>
    public string Link { get; }
}
