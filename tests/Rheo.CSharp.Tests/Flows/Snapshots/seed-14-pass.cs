// Seed, "Pass": static values set with subscripts or merged with Update.
using Rheo.Flows;
using System.Text.Json.Nodes;

namespace Seed.Pass;

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        // Set the key "debug" on the input data to a static object
        data["debug"] = new JsonObject { ["level"] = "INFO" };

        // Merge the key "more" into the input data
        data.Update(new { more = 123 });
    }
}
