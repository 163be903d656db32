// Seed, "Wait": seconds or a timestamp, static or from the data.
using Rheo.Flows;
using static Rheo.Flows.Flow;

namespace Seed.Waiting;

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        // Wait 10 seconds
        Wait(seconds: 10);
        Wait(seconds: data["wait_in_seconds"]);

        // Wait until a future time
        Wait(timestamp: "2020-08-18T17:33:00Z");
        Wait(timestamp: data["timestamp"]);
    }
}
