using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Signals;
using Rheo.Core.Topology;

namespace Rheo.Core.Routing;

// Turns a RouteDefinition into a Route: resolves link ends to inputs, adds automatic links, adopts the output spec,
// and checks that references and output dimensions can be inferred. Collects every problem.
internal sealed class RouteCompiler(RouteDefinition definition)
{
    private readonly List<TopologyDiagnostic> _diagnostics = [];
    private RouteInput[] _inputs = [];

    public List<TopologyDiagnostic> Diagnostics => _diagnostics;

    public Route? Compile()
    {
        _inputs = [.. definition.Inputs.Select((s, i) => new RouteInput(i, s))];
        CheckDuplicateInputs();
        CheckTiming();

        var checks = new List<LinkRule>();
        foreach (var link in definition.InputLinks)
        {
            var target = Resolve(link.Target, link.ToString());
            var source = Resolve(link.Source, link.ToString());
            WarnIfNotSerializable(link.Mapper, link.ToString());
            if (target is { } t && source is { } s)
            {
                checks.Add(new LinkRule(t.Input, t.Dims[0], link.Mapper, [.. s.Dims.Select(d => (s.Input, d))], link.ToString()));
            }
        }

        if (definition.AutoInputLinking)
        {
            AddAutomaticInputLinks(checks);
        }

        var outputSpec = definition.OutputSpec ?? (_inputs.Length > 0 ? _inputs[0].Spec : DimensionSpec.Empty);
        var outputRules = new List<OutputRule>();
        var reverseRules = new List<ReverseRule>();
        CompileOutputLinks(outputSpec, outputRules, reverseRules);
        AddAutomaticOutputLinks(outputSpec, outputRules, reverseRules);

        if (_inputs.Length > 0 && _inputs.All(i => i.IsReference))
        {
            Error(TopologyCodes.AllInputsReferences, "every input is a reference, so no event can trigger the node; make at least one input a non-reference input.");
        }

        CheckInference(outputSpec, checks, outputRules, reverseRules);

        if (_diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return null;
        }

        return Route.Create(definition, _inputs, outputSpec, [.. checks], [.. outputRules], [.. reverseRules]);
    }

    private void CheckDuplicateInputs()
    {
        foreach (var group in _inputs.GroupBy(i => i.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Error(TopologyCodes.DuplicateInput, $"the input '{group.Key}' appears {group.Count()} times; give each use of the same node its own alias (e.g. node.Range(-7).As(\"last_week\")).");
        }
    }

    private void CheckTiming()
    {
        if (definition.PendingTtl is { } ttl && ttl <= TimeSpan.Zero)
        {
            Error(TopologyCodes.InvalidTiming, $"the pending-node TTL must be positive, got {ttl}.");
        }

        foreach (var checkpoint in definition.PendingCheckpoints.Where(c => c <= TimeSpan.Zero))
        {
            Error(TopologyCodes.InvalidTiming, $"pending-node checkpoints must be positive, got {checkpoint}.");
        }
    }

    private (int Input, int[] Dims)? Resolve(SignalDimensions reference, string link)
    {
        var signal = reference.Signal;
        RouteInput? input;
        if (signal.Alias is not null)
        {
            input = _inputs.FirstOrDefault(i => i.Name == signal.Alias && i.NodeId == signal.NodeId);
        }
        else
        {
            var candidates = _inputs.Where(i => i.NodeId == signal.NodeId).ToArray();
            input = candidates.Length == 1 ? candidates[0] : candidates.FirstOrDefault(i => i.Signal.Alias is null);
            if (input is null && candidates.Length > 1)
            {
                Error(TopologyCodes.AmbiguousLinkInput, $"the link {link} names node '{signal.NodeId}', which is an input under several aliases ({string.Join(", ", candidates.Select(c => c.Name))}); name the aliased input instead.");
                return null;
            }
        }

        if (input is null)
        {
            Error(TopologyCodes.LinkToUnknownInput, $"the link {link} names '{signal.InputName}', which is not an input; inputs: {string.Join(", ", _inputs.Select(i => i.Name))}.");
            return null;
        }

        var dims = new int[reference.Dimensions.Count];
        for (var k = 0; k < dims.Length; k++)
        {
            dims[k] = input.Spec.IndexOf(reference.Dimensions[k]);
            if (dims[k] < 0)
            {
                Error(TopologyCodes.UnknownDimension, $"the link {link} names dimension '{reference.Dimensions[k]}' of input '{input.Name}', which has: {input.Spec.Describe()}.");
                return null;
            }
        }

        return (input.Index, dims);
    }

    private void AddAutomaticInputLinks(List<LinkRule> checks)
    {
        var explicitPairs = checks.SelectMany(c => c.Sources.Select(s => (c.TargetInput, c.TargetDim, s.Input))).ToHashSet();
        for (var i = 0; i < _inputs.Length; i++)
        {
            for (var j = i + 1; j < _inputs.Length; j++)
            {
                foreach (var dimension in _inputs[i].Spec)
                {
                    var dj = _inputs[j].Spec.IndexOf(dimension.Name);
                    var di = _inputs[i].Spec.IndexOf(dimension.Name);
                    if (dj < 0 || explicitPairs.Contains((j, dj, i)) || explicitPairs.Contains((i, di, j)))
                    {
                        continue;
                    }

                    checks.Add(new LinkRule(j, dj, DimensionMapper.Identity, [(i, di)], $"(auto) {_inputs[j].Name}({dimension.Name}) = {_inputs[i].Name}({dimension.Name})"));
                }
            }
        }
    }

    private void CompileOutputLinks(DimensionSpec outputSpec, List<OutputRule> outputRules, List<ReverseRule> reverseRules)
    {
        foreach (var link in definition.OutputLinks)
        {
            var text = link.ToString();
            WarnIfNotSerializable(link.Mapper, text);
            var outDims = link.OutputDimensions.Select(outputSpec.IndexOf).ToArray();
            var missing = link.OutputDimensions.Where(d => !outputSpec.Contains(d)).ToList();
            if (missing.Count > 0)
            {
                Error(TopologyCodes.UnknownOutputDimension, $"the output link {text} names output dimension(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; the output has: {outputSpec.Describe()}.");
                continue;
            }

            switch (link.Kind)
            {
                case OutputLinkKind.Literal:
                    try
                    {
                        _ = outputSpec[outDims[0]].Parse(link.Mapper.Map([link.LiteralValue!]));
                        outputRules.Add(new OutputRule(outDims[0], link.Mapper, [], link.LiteralValue, text));
                    }
                    catch (Exception e) when (e is RheoException or ArgumentException or FormatException or InvalidCastException)
                    {
                        Error(TopologyCodes.InvalidLiteral, $"the output link {text} gives a literal that does not fit: {e.Message}");
                    }

                    break;
                case OutputLinkKind.FromInput:
                    if (Resolve(link.Input!, text) is { } source)
                    {
                        outputRules.Add(new OutputRule(outDims[0], link.Mapper, [.. source.Dims.Select(d => (source.Input, d))], null, text));
                    }

                    break;
                default:
                    if (Resolve(link.Input!, text) is { } target)
                    {
                        reverseRules.Add(new ReverseRule(target.Input, target.Dims[0], link.Mapper, outDims, text));
                    }

                    break;
            }
        }
    }

    private void AddAutomaticOutputLinks(DimensionSpec outputSpec, List<OutputRule> outputRules, List<ReverseRule> reverseRules)
    {
        for (var o = 0; o < outputSpec.Count; o++)
        {
            if (outputRules.Any(r => r.OutputDim == o))
            {
                continue;
            }

            var name = outputSpec[o].Name;
            var inverted = reverseRules.FirstOrDefault(r => r.OutputDims is [var only] && only == o && r.Mapper.TryInvert(out _));
            if (inverted is not null)
            {
                inverted.Mapper.TryInvert(out var inverse);
                outputRules.Add(new OutputRule(o, inverse!, [(inverted.TargetInput, inverted.TargetDim)], null, inverted.Text + " (inverted)"));
                continue;
            }

            var input = definition.AutoOutputLinking ? _inputs.FirstOrDefault(i => i.Spec.Contains(name)) : null;
            if (input is null)
            {
                var available = _inputs.SelectMany(i => i.Spec.Names.Select(n => $"{i.Name}({n})")).ToList();
                Error(TopologyCodes.OutputDimensionUnlinked,
                    $"output dimension '{name}' is not linked{(definition.AutoOutputLinking ? " and no input has a dimension of that name" : " (automatic output linking is off)")}; add OutputLink.From(\"{name}\", mapper, input.Dim(...)) or OutputLink.Literal(\"{name}\", value). Input dimensions: {(available.Count == 0 ? "none" : string.Join(", ", available))}.");
                continue;
            }

            outputRules.Add(new OutputRule(o, DimensionMapper.Identity, [(input.Index, input.Spec.IndexOf(name))], null, $"(auto) output({name}) = {input.Name}({name})"));
        }

        // Reference dimensions named like an output dimension follow the output (RheocerOS force-links them by name).
        foreach (var input in _inputs.Where(i => i.IsReference))
        {
            for (var d = 0; d < input.Spec.Count; d++)
            {
                var o = outputSpec.IndexOf(input.Spec[d].Name);
                if (o >= 0 && !reverseRules.Any(r => r.TargetInput == input.Index && r.TargetDim == d))
                {
                    reverseRules.Add(new ReverseRule(input.Index, d, DimensionMapper.Identity, [o], $"(auto) {input.Name}({input.Spec[d].Name}) = output({input.Spec[d].Name})"));
                }
            }
        }
    }

    private void CheckInference(DimensionSpec outputSpec, List<LinkRule> checks, List<OutputRule> outputRules, List<ReverseRule> reverseRules)
    {
        var known = new HashSet<(int, int)>();
        foreach (var input in _inputs)
        {
            for (var d = 0; d < input.Spec.Count; d++)
            {
                if (!input.IsReference || RouteMath.SingleValueAt(input.Filter, d) is not null)
                {
                    known.Add((input.Index, d));
                }
            }
        }

        var outputKnown = new HashSet<int>();
        var providers = LinkRule.WithInverses(checks).ToList();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var p in providers.Where(p => !known.Contains((p.TargetInput, p.TargetDim)) && p.Sources.All(known.Contains)))
            {
                changed |= known.Add((p.TargetInput, p.TargetDim));
            }

            foreach (var r in outputRules.Where(r => !outputKnown.Contains(r.OutputDim) && r.Sources.All(known.Contains)))
            {
                changed |= outputKnown.Add(r.OutputDim);
            }

            foreach (var r in reverseRules.Where(r => !known.Contains((r.TargetInput, r.TargetDim)) && r.OutputDims.All(outputKnown.Contains)))
            {
                changed |= known.Add((r.TargetInput, r.TargetDim));
            }
        }

        foreach (var input in _inputs.Where(i => i.IsReference))
        {
            for (var d = 0; d < input.Spec.Count; d++)
            {
                if (!known.Contains((input.Index, d)))
                {
                    Error(TopologyCodes.UnresolvableReference,
                        $"reference input '{input.Name}' dimension '{input.Spec[d].Name}' cannot be inferred from the other inputs or the output; link it (InputLink from a non-reference input, or OutputLink.To from the output), give it a concrete value (e.g. {input.NodeId}[value].Ref), or make the input a non-reference input.");
                }
            }
        }

        for (var o = 0; o < outputSpec.Count; o++)
        {
            if (!outputKnown.Contains(o) && outputRules.Any(r => r.OutputDim == o))
            {
                Error(TopologyCodes.OutputDimensionUnlinked, $"output dimension '{outputSpec[o].Name}' is linked only from inputs whose values cannot be inferred.");
            }
        }
    }

    private void WarnIfNotSerializable(DimensionMapper mapper, string link)
    {
        if (mapper.Definition is null)
        {
            _diagnostics.Add(new TopologyDiagnostic(TopologyCodes.NonSerializableMapper, definition.Id,
                $"the link {link} uses a delegate mapper, which is not persisted: an attached application needs the defining code to route. Built-in mappers (DimensionMapper.Identity, Shift, Reformat, Lookup, Upper, Lower) are persisted.",
                DiagnosticSeverity.Warning));
        }
    }

    private void Error(string code, string message) => _diagnostics.Add(new TopologyDiagnostic(code, definition.Id, message));
}

internal static class RouteMath
{
    // The single concrete value every branch of the filter has at a level, or null when the level is open.
    public static DimensionValue? SingleValueAt(DimensionFilter filter, int level)
    {
        DimensionValue? found = null;
        return Walk(filter, level, ref found) ? found : null;
    }

    private static bool Walk(DimensionFilter filter, int level, ref DimensionValue? found)
    {
        if (filter.Depth == 0 || filter.Branches.Count == 0)
        {
            return false;
        }

        foreach (var b in filter.Branches)
        {
            if (level == 0)
            {
                if (b.IsAny || b.Range is not null || (found is { } f && f != b.Value))
                {
                    return false;
                }

                found = b.Value;
            }
            else if (!Walk(b.Next, level - 1, ref found))
            {
                return false;
            }
        }

        return true;
    }
}
