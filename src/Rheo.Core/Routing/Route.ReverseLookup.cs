using Rheo.Core.Dimensions;

namespace Rheo.Core.Routing;

/// <summary>The concrete inputs that produce a wanted output partition, or why they cannot be inferred.</summary>
/// <param name="Inputs">Every input with its inferred partition, in route order (empty when resolution failed).</param>
/// <param name="Problems">For each input dimension that cannot be inferred, a message naming it and what would help.</param>
public sealed record InputResolution(IReadOnlyList<MaterializedInput> Inputs, IReadOnlyList<string> Problems)
{
    /// <summary>Whether every input was inferred.</summary>
    public bool Succeeded => Problems.Count == 0;
}

public sealed partial class Route
{
    /// <summary>
    /// Works backwards from concrete output values to the concrete partition of every input, through output links
    /// (output-to-input links and inverses of invertible input-to-output links), then input links, as execute does.
    /// </summary>
    /// <param name="output">The wanted output partition (parsed with <see cref="OutputSpec"/>).</param>
    /// <returns>The inputs, or every dimension that cannot be inferred.</returns>
    /// <exception cref="ArgumentException">The partition does not have one value per output dimension.</exception>
    public InputResolution ResolveInputs(Partition output)
    {
        if (output.Count != OutputSpec.Count)
        {
            throw new ArgumentException($"Route '{Id}' has {OutputSpec.Count} output dimension(s) ({OutputSpec.Describe()}); got {output.Count} value(s).", nameof(output));
        }

        var decision = new RouteDecision(RouteOutcome.Update);
        var values = Inputs.Select(i => Enumerable.Range(0, i.Spec.Count).Select(d => RouteMath.SingleValueAt(i.Filter, d)).ToArray()).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var rule in ReverseRules.Where(r => values[r.TargetInput][r.TargetDim] is null))
            {
                var v = RouteState.MapInto(rule.Mapper, rule.OutputDims.Select(o => output[o].ToRaw()).ToArray(), Inputs[rule.TargetInput].Spec[rule.TargetDim], rule.Text, decision);
                changed |= Set(values, rule.TargetInput, rule.TargetDim, v);
            }

            foreach (var rule in OutputRules.Where(r => r.Sources.Length == 1 && values[r.Sources[0].Input][r.Sources[0].Dim] is null))
            {
                if (rule.Mapper.TryInvert(out var inverse))
                {
                    var (i, d) = rule.Sources[0];
                    changed |= Set(values, i, d, RouteState.MapInto(inverse!, [output[rule.OutputDim].ToRaw()], Inputs[i].Spec[d], rule.Text + " (inverted)", decision));
                }
            }

            for (var i = 0; i < Inputs.Count; i++)
            {
                foreach (var provider in Providers[i].Where(p => values[i][p.TargetDim] is null && p.Sources.All(s => values[s.Input][s.Dim] is not null)))
                {
                    var args = provider.Sources.Select(s => values[s.Input][s.Dim]!.Value.ToRaw()).ToArray();
                    changed |= Set(values, i, provider.TargetDim, RouteState.MapInto(provider.Mapper, args, Inputs[i].Spec[provider.TargetDim], provider.Text, decision));
                }
            }
        }

        var problems = new List<string>(decision.Warnings);
        var inputs = new List<MaterializedInput>();
        for (var i = 0; i < Inputs.Count; i++)
        {
            var input = Inputs[i];
            var unknown = Enumerable.Range(0, input.Spec.Count).Where(d => values[i][d] is null).ToList();
            if (unknown.Count > 0)
            {
                problems.AddRange(unknown.Select(d =>
                    $"input '{input.Name}' dimension '{input.Spec[d].Name}' cannot be inferred from the output [{string.Join(", ", OutputSpec.Render(output))}]: no output link reaches it and no link from another input gives it; add OutputLink.To({input.Name}.Dim(\"{input.Spec[d].Name}\"), mapper, ...) or an invertible link."));
                continue;
            }

            var datum = Partition.Of([.. values[i].Select(v => v!.Value)]);
            if (!input.Filter.Admits(datum))
            {
                problems.Add($"input '{input.Name}' would need [{string.Join(", ", input.Spec.Render(datum))}], which is outside its filter {input.Filter.ToString(input.Spec)}.");
                continue;
            }

            inputs.Add(new MaterializedInput(input, datum, input.Filter.HasRanges ? input.Filter.Expand(input.Spec, datum) : [datum]));
        }

        return problems.Count == 0 ? new InputResolution(inputs, []) : new InputResolution([], problems);
    }

    private static bool Set(DimensionValue?[][] values, int input, int dim, DimensionValue? value)
    {
        if (value is null || values[input][dim] is not null)
        {
            return false;
        }

        values[input][dim] = value;
        return true;
    }
}
