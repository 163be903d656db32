using System.Text.Json.Nodes;
using Rheo.States.Execution;
using Rheo.States.Intrinsics;
using Rheo.States.JsonPath;

namespace Rheo.States.Language;

/// <summary>
/// A compiled payload template (<c>Parameters</c>, <c>ResultSelector</c>, <c>ItemSelector</c>, <c>Assign</c>): fields
/// ending in <c>.$</c> hold a path or an intrinsic call, compiled once; everything else is copied as is.
/// </summary>
internal abstract class PayloadTemplate
{
    public abstract JsonNode? Evaluate(in PathRoots roots, Random random);

    internal sealed class Literal(JsonNode? value) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathRoots roots, Random random) => JsonNodes.Own(value);
    }

    internal sealed class Object(IReadOnlyList<(string Name, PayloadTemplate Value)> fields) : PayloadTemplate
    {
        public IReadOnlyList<(string Name, PayloadTemplate Value)> Fields { get; } = fields;

        public override JsonNode? Evaluate(in PathRoots roots, Random random)
        {
            var result = new JsonObject();
            foreach (var (name, value) in Fields)
            {
                result[name] = value.Evaluate(roots, random);
            }

            return result;
        }
    }

    internal sealed class Array(IReadOnlyList<PayloadTemplate> items) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathRoots roots, Random random)
        {
            var result = new JsonArray();
            foreach (var item in items)
            {
                result.Add(item.Evaluate(roots, random));
            }

            return result;
        }
    }

    internal sealed class Path(string field, PathExpression path) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathRoots roots, Random random)
        {
            if (path.TryEvaluate(roots, out var value))
            {
                return JsonNodes.Own(value);
            }

            var source = path.Root switch
            {
                PathRoot.Context => "context object",
                PathRoot.Variable => "variables",
                _ => "input",
            };
            var document = path.Root == PathRoot.Input ? $" '{JsonNodes.Serialize(roots.Input)}'" : string.Empty;
            throw new StateFailure(ErrorNames.Runtime, $"The JSONPath '{path.Text}' specified for the field '{field}' could not be found in the {source}{document}");
        }
    }

    internal sealed class Intrinsic(IntrinsicExpression call) : PayloadTemplate
    {
        public override JsonNode? Evaluate(in PathRoots roots, Random random)
        {
            try
            {
                return call.Evaluate(roots, random);
            }
            catch (IntrinsicFailure e)
            {
                throw new StateFailure(ErrorNames.Runtime, $"The function '{call.Text}' had the following error: {e.Message}");
            }
        }
    }
}
